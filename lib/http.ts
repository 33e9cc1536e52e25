import "server-only";
import { AppError } from "@/lib/errors";

// Small request helpers shared by the route handlers.

function formatBytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.round(bytes / 1000)} KB`;
}

/** The error for a request body over `limit` bytes. */
export const bodyTooLarge = (limit: number) => new AppError("body_too_large", { limit: formatBytes(limit) });

/** Reads a JSON body without ever holding more than `limit` bytes of it. */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw bodyTooLarge(limit);
  if (!req.body) throw new AppError("invalid_body", { detail: "empty body" });
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_body", { detail: "not valid JSON" });
  }
}

/**
 * Reads a raw body without ever holding more than `limit` bytes of it; over the limit, `tooLarge(bytes)`
 * decides the error (bytes is the declared length, or how much had arrived when reading stopped).
 */
export async function readBodyBytes(
  req: Request,
  limit: number,
  tooLarge: (bytes: number) => AppError = () => bodyTooLarge(limit),
): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(declared);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(total);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** State-changing requests must come from our own pages: a cross-site form or fetch is refused. */
export function assertSameOrigin(req: Request): void {
  const origin = req.headers.get("origin");
  if (origin === null) return; // Non-browser clients (curl, tests) send none; cookies still gate them later.
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("forbidden_origin");
  }
  if (!host || originHost !== host) throw new AppError("forbidden_origin");
}
