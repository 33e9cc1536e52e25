// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The renderer warms up (parser, math plugins, KaTeX) in idle-time steps once its module has loaded.
type Idle = (deadline: IdleDeadline) => void;

beforeEach(() => {
  vi.resetModules();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/** Runs queued idle callbacks (and what they start) until `done` and none is left; returns how many ran. */
async function drain(queue: Idle[], done: () => boolean): Promise<number> {
  let ran = 0;
  for (let quiet = 0; quiet < 20 || !done(); quiet++) {
    const task = queue.shift();
    if (task) {
      task({ didTimeout: false, timeRemaining: () => 50 });
      ran++;
      quiet = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, done() ? 0 : 10));
  }
  return ran;
}

describe("warming the renderer up", () => {
  it("does its work only in idle callbacks, one step each, and leaves the math plugins loaded", async () => {
    const queue: Idle[] = [];
    vi.stubGlobal("requestIdleCallback", (task: Idle) => queue.push(task));
    const { mathPlugins } = await import("@/lib/markdown/load-math");
    await import("./markdown");
    expect(queue).toHaveLength(1);
    expect(mathPlugins()).toBeUndefined();

    expect(await drain(queue, () => mathPlugins() !== undefined)).toBeGreaterThanOrEqual(5);
    expect(mathPlugins()).toBeDefined();
  });

  it("runs once however often it is asked", async () => {
    const queue: Idle[] = [];
    vi.stubGlobal("requestIdleCallback", (task: Idle) => queue.push(task));
    const { warmUp } = await import("./warm-up");
    warmUp();
    warmUp();
    expect(queue).toHaveLength(1);
  });

  it("does nothing where the browser cannot say when it is idle", async () => {
    vi.stubGlobal("requestIdleCallback", undefined);
    const { mathPlugins } = await import("@/lib/markdown/load-math");
    await import("./markdown");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mathPlugins()).toBeUndefined();
  });
});
