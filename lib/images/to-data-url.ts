// Images become base64 data URLs only here, on the way to the gateway, and only as many as fit the
// request budget: the newest are kept, the oldest dropped first (the reply says how many were dropped).
import { base64Length } from "./limits";

export interface ImageSize {
  id: string;
  mime: string;
  byteSize: number;
}

export function toDataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")}`;
}

/** Length of the data URL toDataUrl would build, without building it. */
export function dataUrlLength(mime: string, byteSize: number): number {
  return `data:${mime};base64,`.length + base64Length(byteSize);
}

export interface BudgetPlan {
  /** Index of the oldest image occurrence inlined: those before it are left out. */
  firstKept: number;
  /** How many (oldest) image occurrences are left out (= firstKept). */
  dropped: number;
  /** Bytes of data URLs kept. */
  bytes: number;
}

/**
 * Walks the conversation's images from the newest back and keeps them while their data URLs fit
 * `budgetBytes`; once one does not fit, it and every older image are dropped, so what the model sees
 * is always the most recent stretch of the conversation. Each occurrence counts (an image sent twice
 * is inlined twice).
 */
export function planImageBudget(images: readonly ImageSize[], budgetBytes: number): BudgetPlan {
  let bytes = 0;
  let first = images.length;
  for (let i = images.length - 1; i >= 0; i--) {
    const image = images[i]!;
    const size = dataUrlLength(image.mime, image.byteSize);
    if (bytes + size > budgetBytes) break;
    bytes += size;
    first = i;
  }
  return { firstKept: first, dropped: first, bytes };
}
