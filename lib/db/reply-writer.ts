import "server-only";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import type { GenerationOutcome } from "@/lib/chat/generation";
import type { Db } from "./client";
import { finalizeMessage, startAssistantMessage, updateStreamingMessage, type MessagePart } from "./queries/messages";

// Persists one reply while it streams: the row exists before the first token, its text is
// rewritten at most once a second while it grows (and at least every heartbeat, so other instances
// can tell it is alive), and finish() writes the outcome. Writes never overlap; finish waits for
// the last one. The generation itself is only read (`read`), never slowed down.

/** A live reply rewrites its row at least this often, even when no token arrived. */
export const REPLY_HEARTBEAT_MS = 10_000;
/** A streaming row untouched for this long belongs to a reply whose server went away. */
export const REPLY_STALE_MS = 60_000;

export interface ReplySnapshot {
  text: string;
  reasoning: string;
  /** A reply that called tools brings all its parts (steps, tool calls and results), stored as they are. */
  parts?: MessagePart[];
}

export interface ReplyWriterOptions {
  userId: string;
  conversationId: string;
  messageId: string;
  model: string;
  /** Reads the reply so far, e.g. () => ({ text: generation.text, reasoning: generation.reasoning }). */
  read: () => ReplySnapshot;
  /** Kept in the final metadata (e.g. how many older images the request left out). */
  metadata?: Pick<ChatMessageMetadata, "droppedImages">;
  intervalMs?: number;
  heartbeatMs?: number;
  now?: () => number;
}

/** The UI parts of a reply: reasoning first, then the answer. */
export function replyParts(snapshot: ReplySnapshot, state: "streaming" | "done"): MessagePart[] {
  if (snapshot.parts) return snapshot.parts;
  const parts: MessagePart[] = [];
  if (snapshot.reasoning) parts.push({ type: "reasoning", text: snapshot.reasoning, state });
  if (snapshot.text) parts.push({ type: "text", text: snapshot.text, state });
  return parts;
}

export class ReplyWriter {
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly heartbeatMs: number;
  private readonly createdAt: number;
  private last: ReplySnapshot = { text: "", reasoning: "" };
  private lastWriteAt: number;
  private writing: Promise<void> | undefined;
  private finished = false;

  constructor(
    private readonly db: Db,
    private readonly options: ReplyWriterOptions,
    createdAt: number,
  ) {
    this.now = options.now ?? Date.now;
    this.heartbeatMs = options.heartbeatMs ?? REPLY_HEARTBEAT_MS;
    this.createdAt = createdAt;
    this.lastWriteAt = createdAt;
    this.timer = setInterval(() => this.tick(), options.intervalMs ?? 1000);
    this.timer.unref?.();
  }

  get messageId(): string {
    return this.options.messageId;
  }

  /** Writes the reply so far if it changed (or the heartbeat is due) and no write is in flight. */
  tick(): void {
    if (this.finished || this.writing) return;
    const snapshot = this.options.read();
    const changed = snapshot.text !== this.last.text || snapshot.reasoning !== this.last.reasoning;
    if (!changed && this.now() - this.lastWriteAt < this.heartbeatMs) return;
    this.writing = this.write(snapshot).finally(() => {
      this.writing = undefined;
    });
  }

  private async write(snapshot: ReplySnapshot): Promise<void> {
    const now = this.now();
    try {
      await updateStreamingMessage(this.db, this.options.userId, this.options.messageId, {
        parts: replyParts(snapshot, "streaming"),
        now,
      });
      this.last = { ...snapshot };
      this.lastWriteAt = now;
    } catch (err) {
      // The next tick tries again; the final write does not depend on this one.
      console.error("[db] saving a streaming reply failed", err);
    }
  }

  /** Writes the outcome. False when the reply's row is gone (its chat was deleted meanwhile). */
  async finish(outcome: GenerationOutcome): Promise<boolean> {
    this.finished = true;
    clearInterval(this.timer);
    await this.writing;
    const metadata: ChatMessageMetadata = {
      ...this.options.metadata,
      model: this.options.model,
      createdAt: this.createdAt,
      status: outcome.status,
      ...(outcome.finishReason ? { finishReason: outcome.finishReason } : {}),
      ...(outcome.usage ? { usage: outcome.usage } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    };
    return finalizeMessage(this.db, this.options.userId, this.options.messageId, {
      status: outcome.status,
      parts: replyParts(outcome, "done"),
      metadata,
      now: this.now(),
    });
  }

  /** Stops writing without a final status (the row stays 'streaming' until the sweep marks it). */
  abandon(): void {
    this.finished = true;
    clearInterval(this.timer);
  }
}

/** Inserts the reply as 'streaming' and starts following it. Throws not_found for another user's chat. */
export async function startReplyWriter(db: Db, options: ReplyWriterOptions): Promise<ReplyWriter> {
  const createdAt = (options.now ?? Date.now)();
  await startAssistantMessage(db, options.userId, options.conversationId, {
    id: options.messageId,
    model: options.model,
    now: createdAt,
  });
  return new ReplyWriter(db, options, createdAt);
}
