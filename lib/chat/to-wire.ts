import { AppError } from "@/lib/errors";
import type { WireContentPart, WireMessage } from "@/lib/gateway/wire";
import { formatBytes, imageIdFromUrl } from "@/lib/images/limits";
import { dataUrlLength, planImageBudget, toDataUrl, type ImageSize } from "@/lib/images/to-data-url";

// Turns the conversation as the browser holds it into the gateway's messages.
// Only text goes upstream: reasoning stays with the reply it belongs to.

interface MessageLike {
  role: "user" | "assistant";
  parts: ReadonlyArray<{ type: string; text?: unknown }>;
}

export function messageText(message: MessageLike): string {
  let text = "";
  for (const part of message.parts) if (part.type === "text" && typeof part.text === "string") text += part.text;
  return text;
}

export function toWireMessages(messages: readonly MessageLike[], system?: string): WireMessage[] {
  const wire: WireMessage[] = [];
  if (system?.trim()) wire.push({ role: "system", content: system.trim() });
  for (const message of messages) {
    const text = messageText(message);
    // An assistant turn that failed before any text carries nothing the model needs.
    if (message.role === "assistant" && text === "") continue;
    wire.push(message.role === "user" ? { role: "user", content: text } : { role: "assistant", content: text });
  }
  return wire;
}

// ---- Images: a separate, async path, so the text-only conversion above stays as it is. ----

/** A message part that references a stored image: `{type:"file", mediaType:"image/…", url:"/api/images/<id>"}`. */
interface PartLike {
  type: string;
  text?: unknown;
  url?: unknown;
  mediaType?: unknown;
}

/** The ids of the stored images a message references, in part order. */
export function messageImageIds(message: { parts: ReadonlyArray<PartLike> }): string[] {
  const ids: string[] = [];
  for (const part of message.parts) {
    if (part.type !== "file" || typeof part.url !== "string") continue;
    if (typeof part.mediaType === "string" && !part.mediaType.startsWith("image/")) continue;
    const id = imageIdFromUrl(part.url);
    if (id) ids.push(id);
  }
  return ids;
}

/** Where the route's images come from: the requester's own images only (others' ids read as missing). */
export interface WireImageSource {
  sizes(ids: readonly string[]): Promise<ImageSize[]>;
  load(ids: readonly string[]): Promise<Array<{ id: string; mime: string; bytes: Uint8Array }>>;
}

export interface WireWithImages {
  messages: WireMessage[];
  /** Images left out (oldest first) because the request would exceed the budget. */
  droppedImages: number;
  /** Images inlined as data URLs. */
  sentImages: number;
}

/**
 * Checks a new question's images before anything is stored: each must be the requester's own
 * (image_missing otherwise) and together they must fit the request budget (images_over_budget).
 */
export async function checkNewImages(
  message: { parts: ReadonlyArray<PartLike> },
  images: WireImageSource,
  budgetBytes: number,
): Promise<void> {
  const ids = messageImageIds(message);
  if (ids.length === 0) return;
  const sizes = new Map((await images.sizes([...new Set(ids)])).map((s) => [s.id, s]));
  if (ids.some((id) => !sizes.has(id))) throw new AppError("image_missing");
  const total = ids.reduce((sum, id) => sum + dataUrlLength(sizes.get(id)!.mime, sizes.get(id)!.byteSize), 0);
  if (total > budgetBytes) throw new AppError("images_over_budget", { limit: formatBytes(budgetBytes) });
}

/** What the model reads in place of a question whose only content was images it will not see. */
export const IMAGES_LEFT_OUT_TEXT = "[图片未随本次请求发送]";

/**
 * Like toWireMessages, but user messages that reference stored images become content arrays with
 * `image_url` parts (base64 data URLs), for the current turn and earlier ones, within `budgetBytes`.
 * The current turn's images must all fit (images_over_budget otherwise) and exist (image_missing);
 * older turns lose their oldest images first, and a missing old image is skipped.
 */
export async function toWireMessagesWithImages(
  messages: ReadonlyArray<MessageLike & { parts: ReadonlyArray<PartLike> }>,
  options: { system?: string; images: WireImageSource; budgetBytes: number; omitImages?: boolean },
): Promise<WireWithImages> {
  let lastUser = -1;
  messages.forEach((m, i) => {
    if (m.role === "user") lastUser = i;
  });
  const refs = options.omitImages
    ? []
    : messages.flatMap((m, index) => (m.role === "user" ? messageImageIds(m).map((id) => ({ id, index })) : []));

  const sizes = new Map((await options.images.sizes([...new Set(refs.map((r) => r.id))])).map((s) => [s.id, s]));
  if (refs.some((r) => r.index === lastUser && !sizes.has(r.id))) throw new AppError("image_missing");
  const present = refs.filter((r) => sizes.has(r.id));
  const plan = planImageBudget(
    present.map((r) => sizes.get(r.id)!),
    options.budgetBytes,
  );
  const firstCurrent = present.findIndex((r) => r.index === lastUser);
  if (firstCurrent !== -1 && firstCurrent < plan.firstKept) {
    throw new AppError("images_over_budget", { limit: formatBytes(options.budgetBytes) });
  }
  const kept = present.slice(plan.firstKept);
  const loaded = await options.images.load([...new Set(kept.map((r) => r.id))]);
  const urls = new Map(loaded.map((image) => [image.id, toDataUrl(image.mime, image.bytes)]));
  const keptByMessage = new Map<number, string[]>();
  for (const ref of kept) {
    const url = urls.get(ref.id);
    if (url) keptByMessage.set(ref.index, [...(keptByMessage.get(ref.index) ?? []), url]);
  }

  const wire: WireMessage[] = [];
  if (options.system?.trim()) wire.push({ role: "system", content: options.system.trim() });
  messages.forEach((message, index) => {
    const text = messageText(message);
    if (message.role === "assistant") {
      if (text !== "") wire.push({ role: "assistant", content: text });
      return;
    }
    const images = keptByMessage.get(index) ?? [];
    if (images.length === 0) {
      const hadImages = messageImageIds(message).length > 0;
      wire.push({ role: "user", content: text === "" && hadImages ? IMAGES_LEFT_OUT_TEXT : text });
      return;
    }
    const content: WireContentPart[] = images.map((url) => ({ type: "image_url", image_url: { url } }));
    if (text !== "") content.push({ type: "text", text });
    wire.push({ role: "user", content });
  });
  return { messages: wire, droppedImages: plan.dropped, sentImages: kept.length };
}
