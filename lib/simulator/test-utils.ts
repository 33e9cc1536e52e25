// Shared helpers for the simulator's tests: HTTP calls, SSE reading via eventsource-parser, hand-made image headers.
import { createParser } from "eventsource-parser";
import type { WireChunk, WireStreamErrorFrame } from "../gateway/wire";
import type { RecordedRequest } from "./script-types";

export const KEY = "sk-byts-test";

export function chat(
  base: string,
  body: unknown,
  init: { key?: string | null; signal?: AbortSignal } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = init.key === undefined ? KEY : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  return fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

export interface SseResult {
  chunks: WireChunk[];
  /** Arrival time (ms since the read started) of each chunk. */
  times: number[];
  errorFrame: WireStreamErrorFrame | null;
  done: boolean;
  /** The body read failed (socket destroyed). */
  broken: boolean;
}

/** Reads an SSE body to the end; `stopAfter` aborts once that many chunks arrived. */
export async function readSse(
  res: Response,
  opts: { stopAfter?: number; abort?: AbortController } = {},
): Promise<SseResult> {
  const out: SseResult = { chunks: [], times: [], errorFrame: null, done: false, broken: false };
  const t0 = performance.now();
  const parser = createParser({
    onEvent(e) {
      if (e.data === "[DONE]") {
        out.done = true;
        return;
      }
      const json = JSON.parse(e.data) as WireChunk | WireStreamErrorFrame;
      if ("error" in json) out.errorFrame = json;
      else {
        out.chunks.push(json);
        out.times.push(performance.now() - t0);
      }
    },
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (opts.stopAfter !== undefined && out.chunks.length >= opts.stopAfter) {
        opts.abort?.abort();
        break;
      }
    }
  } catch {
    out.broken = true;
  }
  return out;
}

/** Every body byte as it arrived, until the end or until the connection broke. */
export async function rawBody(res: Response): Promise<{ bytes: Uint8Array; broken: boolean }> {
  const parts: Uint8Array[] = [];
  let broken = false;
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
    }
  } catch {
    broken = true;
  }
  return { bytes: Buffer.concat(parts), broken };
}

export function joined(chunks: WireChunk[], field: "content" | "reasoning_content"): string {
  return chunks.map((c) => c.choices[0]?.delta[field] ?? "").join("");
}

export async function requests(base: string): Promise<RecordedRequest[]> {
  const r = await fetch(`${base}/__control/requests`);
  return ((await r.json()) as { requests: RecordedRequest[] }).requests;
}

/** Polls the request log until `pred` holds for the last chat request (or times out). */
export async function waitForLast(
  base: string,
  pred: (r: RecordedRequest) => boolean,
  ms = 3000,
): Promise<RecordedRequest> {
  const until = Date.now() + ms;
  for (;;) {
    const list = await requests(base);
    const last = list.filter((r) => r.path === "/v1/chat/completions").at(-1);
    if (last && pred(last)) return last;
    if (Date.now() > until) throw new Error(`timed out; last entry: ${JSON.stringify(last && { ...last, body: "…" })}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function dataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
}

/** Signature + IHDR with the given size (CRC left zero: the simulator does not check it). */
export function pngBytes(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(45);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  b.write("IHDR", 12, "latin1");
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 6, 0, 0, 0], 24);
  return b;
}

/** SOI, an APP0 segment to skip, then SOF0 with the size, then EOI. */
export function jpegBytes(width: number, height: number, sof = 0xc0): Uint8Array {
  const app0 = [
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ];
  const sofSeg = [
    0xff,
    sof,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sofSeg, 0xff, 0xd9]);
}

export function webpBytes(kind: "VP8 " | "VP8L" | "VP8X", width: number, height: number): Uint8Array {
  const b = Buffer.alloc(40);
  b.write("RIFF", 0, "latin1");
  b.writeUInt32LE(32, 4);
  b.write("WEBPVP8", 8, "latin1");
  b.write(kind, 12, "latin1");
  b.writeUInt32LE(20, 16);
  if (kind === "VP8 ") {
    b.set([0x9d, 0x01, 0x2a], 23);
    b.writeUInt16LE(width, 26);
    b.writeUInt16LE(height, 28);
  } else if (kind === "VP8L") {
    b[20] = 0x2f;
    b.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 21);
  } else {
    b.writeUIntLE(width - 1, 24, 3);
    b.writeUIntLE(height - 1, 27, 3);
  }
  return b;
}
