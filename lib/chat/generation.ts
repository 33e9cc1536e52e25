import "server-only";
import { AppError, type AppErrorPayload } from "@/lib/errors";
import type { RateInfo } from "@/lib/gateway/rate-info";
import type { ChatFinishReason, ChatUIMessage, ChatUsage } from "./types";

// A generation belongs to the server, not to the HTTP request that started it: a closed tab
// unsubscribes a listener, only stop() aborts the upstream. Frames are kept so that a page
// that reloads can re-attach and replay from the start.

export type FrameListener = (frame: string | null) => void;

export interface GenerationOutcome {
  status: "done" | "interrupted" | "error";
  text: string;
  reasoning: string;
  finishReason?: ChatFinishReason;
  usage?: ChatUsage;
  error?: AppErrorPayload;
  /** Set only for a reply that called tools: every part in order (steps, reasoning, text, tool calls). */
  parts?: ChatUIMessage["parts"];
}

export class Generation {
  readonly controller = new AbortController();
  readonly startedAt = Date.now();
  private readonly frames: string[] = [];
  private readonly listeners = new Set<FrameListener>();
  private ended = false;
  text = "";
  reasoning = "";
  rate: RateInfo | undefined;
  outcome: GenerationOutcome | undefined;
  /** Once the reply has called a tool: all its parts so far (steps, tool calls and results), for storing mid-way. */
  partsSoFar: () => ChatUIMessage["parts"] | undefined = () => undefined;
  /**
   * Frames that re-create what the reply held before this generation (a continued reply's first half).
   * A replay starts from nothing, so it sends them after the start frame; the live response does not
   * (the browser that asked to continue still shows that half).
   */
  replayPrelude: string[] = [];

  constructor(
    readonly chatId: string,
    readonly messageId: string,
    readonly model: string,
    /** Who started it: only they may stop, replace or re-attach to it. */
    readonly ownerId: string,
  ) {}

  get done(): boolean {
    return this.ended;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  emit(frame: string): void {
    if (this.ended) return;
    this.frames.push(frame);
    for (const listener of this.listeners) listener(frame);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of this.listeners) listener(null);
    this.listeners.clear();
  }

  /** Replays what was sent so far, then follows live frames until the end (null). */
  subscribe(listener: FrameListener, options: { replay?: boolean } = {}): () => void {
    this.frames.forEach((frame, index) => {
      listener(frame);
      if (index === 0 && options.replay) for (const prelude of this.replayPrelude) listener(prelude);
    });
    if (this.ended) {
      listener(null);
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The explicit Stop: closes the upstream connection at once. */
  stop(reason = "stopped by user"): void {
    if (!this.controller.signal.aborted) this.controller.abort(new DOMException(reason, "AbortError"));
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

/** Live generations by chat id. Behind an interface so several instances could share one later. */
export interface GenerationRegistry {
  /** Throws not_found when the chat id already belongs to someone else. */
  register(generation: Generation): void;
  get(chatId: string): Generation | undefined;
  release(generation: Generation): void;
  size(): number;
}

/**
 * How long a finished generation stays re-attachable: long enough for a page that was rendered from
 * the database just before the reply ended to re-attach and get the rest (the reply itself is
 * stored by then), short enough that a busy server does not hold every recent reply's frames.
 */
export const KEEP_FINISHED_MS = 15_000;

export class MemoryGenerationRegistry implements GenerationRegistry {
  private readonly byChat = new Map<string, Generation>();
  /** The pending removal of each chat's finished generation (it holds the generation's frames). */
  private readonly expiries = new Map<string, ReturnType<typeof setTimeout>>();

  register(generation: Generation): void {
    // One live reply per chat: a new request supersedes a running one.
    const previous = this.byChat.get(generation.chatId);
    // Someone else's chat id: answer as if it did not exist, and leave their reply alone.
    if (previous && previous.ownerId !== generation.ownerId) throw new AppError("not_found");
    if (previous && !previous.done) previous.stop("superseded");
    // A finished one it replaces is let go now, not when its keep time runs out.
    this.clearExpiry(generation.chatId);
    this.byChat.set(generation.chatId, generation);
  }

  get(chatId: string): Generation | undefined {
    return this.byChat.get(chatId);
  }

  release(generation: Generation): void {
    const { chatId } = generation;
    if (this.byChat.get(chatId) !== generation) return; // already replaced
    this.clearExpiry(chatId);
    const timer = setTimeout(() => {
      this.expiries.delete(chatId);
      if (this.byChat.get(chatId) === generation) this.byChat.delete(chatId);
    }, KEEP_FINISHED_MS);
    timer.unref?.();
    this.expiries.set(chatId, timer);
  }

  /** Finished generations waiting for removal (for tests). */
  pendingExpiries(): number {
    return this.expiries.size;
  }

  private clearExpiry(chatId: string): void {
    const timer = this.expiries.get(chatId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.expiries.delete(chatId);
  }

  size(): number {
    return this.byChat.size;
  }
}

const globalKey = Symbol.for("glm-chat.generations");
type GlobalWithRegistry = typeof globalThis & { [globalKey]?: GenerationRegistry };

/** One registry per server process (survives dev-mode module reloads). */
export function generationRegistry(): GenerationRegistry {
  const g = globalThis as GlobalWithRegistry;
  g[globalKey] ??= new MemoryGenerationRegistry();
  return g[globalKey];
}

const afterKey = Symbol.for("glm-chat.after-reply");
type GlobalWithAfter = typeof globalThis & { [afterKey]?: Set<Promise<unknown>> };

/** What replies still do after their stream ended (their title, usage), one process-wide set. */
function afterWork(): Set<Promise<unknown>> {
  const g = globalThis as GlobalWithAfter;
  g[afterKey] ??= new Set();
  return g[afterKey];
}

/** Counts `work` as a reply's after-work while it runs. */
export function afterReply(work: Promise<unknown>): void {
  const running = afterWork();
  running.add(work);
  void work.finally(() => running.delete(work)).catch(() => {});
}

/**
 * Settles once every reply's after-work has, including any that work starts meanwhile: whatever closes the
 * database (a test's teardown) waits for it, instead of the title job finding the connection gone.
 */
export async function afterRepliesSettled(): Promise<void> {
  const running = afterWork();
  while (running.size > 0) await Promise.allSettled([...running]);
}
