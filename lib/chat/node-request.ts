import "server-only";
import type { IncomingMessage } from "node:http";
import { AppError } from "@/lib/errors";
import { bodyTooLarge } from "@/lib/http";

// What the node:http paths of /api/chat (lib/chat/node-chat.ts in the server's thread, lib/chat/worker-host.ts in
// the chat worker) need from a raw HTTP request: its JSON body, read with the same limit and errors as lib/http's
// readJsonBody, and its headers as a bodiless web Request (all the origin check and the session lookup read).

/** Parses a whole request body that is known to fit the limit. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) throw new AppError("invalid_body", { detail: "empty body" });
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch {
    throw new AppError("invalid_body", { detail: "not valid JSON" });
  }
}

/** Reads a JSON body without ever holding more than `limit` bytes of it (the same errors as lib/http's readJsonBody). */
export async function readNodeJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw bodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).byteLength;
    if (total > limit) throw bodyTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return parseJsonBytes(Buffer.concat(chunks, total));
}

/** Web Headers from node's raw headers (name, value, name, value, …). */
export function headersFromRaw(rawHeaders: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.append(rawHeaders[i]!, rawHeaders[i + 1]!);
  return headers;
}

/** A bodiless web Request with these raw headers. */
export function requestFromRawHeaders(method: string, url: string, rawHeaders: readonly string[]): Request {
  return new Request(`http://localhost${url}`, { method, headers: headersFromRaw(rawHeaders) });
}
