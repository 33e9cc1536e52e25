// The test-facing state: a FIFO queue of scripted responses and a bounded log of /v1 requests.
import type { RecordedRequest, ScriptedResponse } from "./script-types";

const KINDS = new Set(["stream", "http-error", "json", "drop"]);
const MAX_ENTRIES = 500;
// Image-heavy bodies are kept for tests to decode, but old ones are evicted past this total.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class ScriptQueue {
  private items: Array<{ response: ScriptedResponse; left: number }> = [];

  /** Returns an error message when the payload is not `{responses:[…]}` of known kinds. */
  add(payload: unknown): string | null {
    const list = (payload as { responses?: unknown } | null)?.responses;
    if (!Array.isArray(list)) return "body must be { responses: ScriptedResponse[] }";
    for (const [i, r] of list.entries()) {
      const kind = (r as { kind?: unknown } | null)?.kind;
      if (typeof kind !== "string" || !KINDS.has(kind))
        return `responses[${i}].kind must be one of ${[...KINDS].join(", ")}`;
      if (kind === "http-error" && typeof (r as { status?: unknown }).status !== "number")
        return `responses[${i}].status is required`;
      if (kind === "json" && typeof (r as { content?: unknown }).content !== "string")
        return `responses[${i}].content must be a string`;
      const byte = (r as { dropAtByte?: unknown }).dropAtByte;
      if (byte !== undefined && (typeof byte !== "number" || !Number.isInteger(byte) || byte < 0))
        return `responses[${i}].dropAtByte must be a whole number of bytes, 0 or more`;
    }
    for (const r of list as ScriptedResponse[])
      this.items.push({ response: r, left: Math.max(1, Math.floor(r.times ?? 1)) });
    return null;
  }

  take(): ScriptedResponse | null {
    const head = this.items[0];
    if (!head) return null;
    head.left--;
    if (head.left <= 0) this.items.shift();
    return head.response;
  }

  get pending(): number {
    return this.items.reduce((a, i) => a + i.left, 0);
  }

  clear(): void {
    this.items = [];
  }
}

export class RequestLog {
  private entries: RecordedRequest[] = [];
  private sizes = new Map<number, number>();
  private bodyBytes = 0;
  private nextId = 1;

  start(method: string, path: string, headers: Record<string, string>): RecordedRequest {
    const entry: RecordedRequest = {
      id: this.nextId++,
      at: Date.now(),
      method,
      path,
      headers,
      body: null,
      status: 0,
      closedEarly: false,
      completed: false,
      chunksSent: 0,
      scripted: null,
    };
    this.entries.push(entry);
    while (this.entries.length > MAX_ENTRIES) {
      const old = this.entries.shift();
      if (old) this.forget(old.id);
    }
    return entry;
  }

  setBody(entry: RecordedRequest, body: unknown, rawBytes: number): void {
    entry.body = body;
    this.forget(entry.id);
    this.sizes.set(entry.id, rawBytes);
    this.bodyBytes += rawBytes;
    // Evict the oldest bodies first, never the one just stored.
    for (const e of this.entries) {
      if (this.bodyBytes <= MAX_BODY_BYTES || e === entry) break;
      if (this.sizes.has(e.id)) {
        this.forget(e.id);
        e.body = null;
        e.bodyEvicted = true;
      }
    }
  }

  list(): RecordedRequest[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
    this.sizes.clear();
    this.bodyBytes = 0;
  }

  private forget(id: number): void {
    const n = this.sizes.get(id);
    if (n !== undefined) {
      this.bodyBytes -= n;
      this.sizes.delete(id);
    }
  }
}
