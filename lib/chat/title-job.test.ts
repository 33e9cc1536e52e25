import { describe, expect, it } from "vitest";
import { createLimiter } from "./title-job";

/** A task that records when it runs and finishes when told to. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe("the title queue's limiter", () => {
  it("runs at most `concurrency` tasks at once, the rest in order as slots free", async () => {
    const limit = createLimiter(2, 10);
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => gate());
    const results = gates.map((g, i) =>
      limit(async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1]);
    gates[1]!.open();
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("drops the oldest waiting task when too many wait, without running it", async () => {
    const limit = createLimiter(1, 2);
    const ran: number[] = [];
    const first = gate();
    const busy = limit(async () => {
      ran.push(0);
      await first.opened;
      return 0;
    });
    const waiting = [1, 2, 3].map((i) =>
      limit(async () => {
        ran.push(i);
        return i;
      }),
    );
    // 1 and 2 wait; 3 arrives with the queue full, so 1 (the oldest) is dropped at once.
    expect(await waiting[0]).toBeUndefined();
    first.open();
    expect(await busy).toBe(0);
    expect(await Promise.all(waiting.slice(1))).toEqual([2, 3]);
    expect(ran).toEqual([0, 2, 3]);
  });

  it("frees the slot when a task fails", async () => {
    const limit = createLimiter(1, 5);
    await expect(limit(() => Promise.reject(new Error("gateway down")))).rejects.toThrow("gateway down");
    expect(await limit(async () => "next")).toBe("next");
  });
});
