import type { UIMessageChunk } from "ai";
import type { ChatMessageMetadata } from "./types";

// Writes AI SDK UI message stream parts as SSE bytes without a TransformStream chain: this sits
// on the hot path of every reply. Text and reasoning deltas are coalesced so that no delta waits
// more than COALESCE_MS and delta frames go out at most one per COALESCE_MS: a delta that comes
// COALESCE_MS or more after the last delta frame goes out at once (no timer, no added latency: the
// usual case at model speeds), together with any other delta of the same upstream read; deltas that
// come faster are merged into one frame sent COALESCE_MS after the last one. The first delta of a
// part always goes out at once, so time-to-first-token stays low.

export const COALESCE_MS = 25;
export const UI_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-vercel-ai-ui-message-stream": "v1",
  "x-accel-buffering": "no",
} as const;

export type ChatChunk = UIMessageChunk<ChatMessageMetadata>;
export type FrameSink = (frame: string) => void;

const encodeFrame = (part: ChatChunk): string => `data: ${JSON.stringify(part)}\n\n`;
/** `data: {"type":"text-delta","id":"text-1","delta":` — the same bytes JSON.stringify gives, built once per part. */
const deltaPrefix = (kind: DeltaKind, id: string): string =>
  `data: {"type":"${kind === "text" ? "text-delta" : "reasoning-delta"}","id":${JSON.stringify(id)},"delta":`;
export const DONE_FRAME = "data: [DONE]\n\n";

type DeltaKind = "text" | "reasoning";

export class UiStreamWriter {
  private pending = "";
  private open: { kind: DeltaKind; id: string; prefix: string } | undefined;
  private partCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last delta frame went out (performance.now(): Date.now() costs more in a Next server, which watches it). */
  private lastDeltaAt = -Infinity;
  private queued = false;
  private closed = false;
  private readonly flushNow = () => this.flush();
  private readonly flushQueued = () => {
    this.queued = false;
    this.flush();
  };

  constructor(
    private readonly sink: FrameSink,
    private readonly coalesceMs = COALESCE_MS,
  ) {}

  write(part: ChatChunk): void {
    if (this.closed) return;
    this.flush();
    this.sink(encodeFrame(part));
  }

  /** Appends text or reasoning, opening and closing parts as the kind changes. */
  delta(kind: DeltaKind, text: string): void {
    if (this.closed || text === "") return;
    if (this.open?.kind !== kind) {
      this.endPart();
      const id = `${kind}-${++this.partCount}`;
      this.open = { kind, id, prefix: deltaPrefix(kind, id) };
      this.sink(encodeFrame({ type: kind === "text" ? "text-start" : "reasoning-start", id }));
      // The first delta of a part is sent at once.
      this.sendDelta(text);
      return;
    }
    this.pending += text;
    if (this.coalesceMs <= 0) return this.flush();
    if (this.timer !== undefined || this.queued) return;
    const wait = this.lastDeltaAt + this.coalesceMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(this.flushNow, wait);
      return;
    }
    // Due now: send once the current upstream read is parsed, so that its deltas leave as one frame.
    this.queued = true;
    queueMicrotask(this.flushQueued);
  }

  /** Closes the open text/reasoning part, if any. */
  endPart(): void {
    this.flush();
    if (!this.open) return;
    const { kind, id } = this.open;
    this.open = undefined;
    this.sink(encodeFrame({ type: kind === "text" ? "text-end" : "reasoning-end", id }));
  }

  /** Ends the stream; nothing is written after this. */
  close(): void {
    if (this.closed) return;
    this.endPart();
    this.sink(DONE_FRAME);
    this.closed = true;
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending === "" || !this.open) return;
    const text = this.pending;
    this.pending = "";
    this.sendDelta(text);
  }

  private sendDelta(text: string): void {
    this.lastDeltaAt = performance.now();
    this.sink(`${this.open!.prefix}${JSON.stringify(text)}}\n\n`);
  }
}
