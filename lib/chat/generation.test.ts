import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { afterRepliesSettled, afterReply, Generation, KEEP_FINISHED_MS, MemoryGenerationRegistry } from "./generation";

// The registry of live replies: one per chat, owner-checked, a finished one kept a short while for
// re-attaching and let go at once when the chat's next reply replaces it (found by the load suite:
// replaced replies' frames were held for the whole keep time).

const finished = (chatId: string, owner = "alice", id = "m1") => {
  const generation = new Generation(chatId, id, "glm-5-1", owner);
  generation.emit('data: {"type":"start"}\n\n');
  generation.end();
  return generation;
};

describe("MemoryGenerationRegistry", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps a finished reply re-attachable for its keep time, then forgets it", () => {
    const registry = new MemoryGenerationRegistry();
    const generation = finished("chat-1");
    registry.register(generation);
    registry.release(generation);
    vi.advanceTimersByTime(KEEP_FINISHED_MS - 1);
    expect(registry.get("chat-1")).toBe(generation);
    vi.advanceTimersByTime(1);
    expect(registry.get("chat-1")).toBeUndefined();
    expect(registry.size()).toBe(0);
    expect(registry.pendingExpiries()).toBe(0);
  });

  it("lets a finished reply go as soon as the chat's next reply registers", () => {
    const registry = new MemoryGenerationRegistry();
    const first = finished("chat-1", "alice", "m1");
    registry.register(first);
    registry.release(first);
    expect(registry.pendingExpiries()).toBe(1);

    const second = new Generation("chat-1", "m2", "glm-5-1", "alice");
    registry.register(second);
    // No timer holds the first reply (and its frames) any more.
    expect(registry.pendingExpiries()).toBe(0);
    expect(registry.get("chat-1")).toBe(second);
    // The second is live: the first's keep time passing does not remove it.
    vi.advanceTimersByTime(KEEP_FINISHED_MS * 2);
    expect(registry.get("chat-1")).toBe(second);
  });

  it("ignores the release of a reply that was already replaced", () => {
    const registry = new MemoryGenerationRegistry();
    const first = new Generation("chat-1", "m1", "glm-5-1", "alice");
    registry.register(first);
    const second = new Generation("chat-1", "m2", "glm-5-1", "alice");
    registry.register(second);
    expect(first.signal.aborted).toBe(true); // superseded: its upstream is closed
    registry.release(first);
    expect(registry.pendingExpiries()).toBe(0);
    vi.advanceTimersByTime(KEEP_FINISHED_MS);
    expect(registry.get("chat-1")).toBe(second);
  });

  it("refuses another user's chat id as not found and leaves their reply running", () => {
    const registry = new MemoryGenerationRegistry();
    const bobs = new Generation("chat-1", "m1", "glm-5-1", "bob");
    registry.register(bobs);
    const attempt = () => registry.register(new Generation("chat-1", "m2", "glm-5-1", "alice"));
    expect(attempt).toThrow(AppError);
    expect(bobs.signal.aborted).toBe(false);
    expect(registry.get("chat-1")).toBe(bobs);
  });
});

describe("afterRepliesSettled", () => {
  it("waits for every reply's after-work, failed or not, and for work started while it waits", async () => {
    let finishTitle!: () => void;
    const title = new Promise<void>((resolve) => (finishTitle = resolve));
    afterReply(title);
    afterReply(Promise.reject(new Error("usage not stored")));
    let settled = false;
    const waiting = afterRepliesSettled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    // The title job's end starts one more piece of after-work before it settles.
    let finishLate!: () => void;
    afterReply(new Promise<void>((resolve) => (finishLate = resolve)));
    finishTitle();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    finishLate();
    await waiting;
    expect(settled).toBe(true);
    // Nothing running: settles at once.
    await afterRepliesSettled();
  });
});
