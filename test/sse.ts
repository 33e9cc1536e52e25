import { createParser } from "eventsource-parser";

// Test helpers for SSE bodies: built as the gateway sends them, read with eventsource-parser
// (never by hand), so a frame split across reads or a missing blank line is caught the same way a client would.

/** The `data` of every event in an SSE text, in order. */
export function sseData(text: string): string[] {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  parser.feed(text);
  return data;
}

/** Parsed UI message stream chunks; `[DONE]` is kept as the string so tests can assert it ends the stream. */
export function sseJson(text: string): Array<Record<string, unknown> | "[DONE]"> {
  return sseData(text).map((data) => (data === "[DONE]" ? "[DONE]" : (JSON.parse(data) as Record<string, unknown>)));
}

/** Reads a whole response body as text. */
export async function readText(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return "";
  return new Response(body).text();
}
