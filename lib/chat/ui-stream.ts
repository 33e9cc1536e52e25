import type { UIMessageChunk } from "ai";
import type { ChatMessageMetadata } from "./types";

// Writes AI SDK UI message stream parts as SSE bytes without a TransformStream chain: this sits
// on the hot path of every reply. Text and reasoning deltas are coalesced into frames at most
// COALESCE_MS apart; the first delta of a part goes out at once so time-to-first-token stays low.

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
export const DONE_FRAME = "data: [DONE]\n\n";

type DeltaKind = "text" | "reasoning";

export class UiStreamWriter {
  private pending = "";
  private pendingKind: DeltaKind | undefined;
  private open: { kind: DeltaKind; id: string } | undefined;
  private partCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

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
      this.open = { kind, id };
      this.sink(encodeFrame({ type: kind === "text" ? "text-start" : "reasoning-start", id }));
      // The first delta of a part is sent at once.
      this.sink(encodeFrame({ type: kind === "text" ? "text-delta" : "reasoning-delta", id, delta: text }));
      return;
    }
    this.pending += text;
    this.pendingKind = kind;
    if (this.coalesceMs <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.coalesceMs);
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
    const type = this.pendingKind === "reasoning" ? "reasoning-delta" : "text-delta";
    this.sink(encodeFrame({ type, id: this.open.id, delta: this.pending }));
    this.pending = "";
  }
}
