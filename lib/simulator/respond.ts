// Small node:http helpers shared by the simulator's routes.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

export function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = String(v);
  return out;
}

export interface ReadBody {
  text: string;
  bytes: number;
  tooLarge: boolean;
}

/** Reads the whole body; past `limit` it keeps draining (so the client can read our 413) but stores nothing. */
export function readBody(req: IncomingMessage, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const parts: Buffer[] = [];
    let bytes = 0;
    let tooLarge = declared > limit;
    req.on("data", (c: Buffer) => {
      bytes += c.length;
      if (bytes > limit) tooLarge = true;
      if (!tooLarge) parts.push(c);
    });
    req.on("end", () => resolve({ text: tooLarge ? "" : Buffer.concat(parts).toString("utf8"), bytes, tooLarge }));
    req.on("error", reject);
  });
}

export function bearerKey(auth: string | undefined): string {
  const m = /^Bearer\s+(.+)$/i.exec(auth ?? "");
  return m?.[1]?.trim() ?? "";
}
