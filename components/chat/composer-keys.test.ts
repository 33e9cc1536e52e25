import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCompositionTracker, shouldSend, shouldStop, shouldSwallow } from "./composer-keys";

const enter = { key: "Enter", keyCode: 13, nativeEvent: { isComposing: false } };

describe("shouldSend", () => {
  it("sends on a plain Enter", () => {
    expect(shouldSend(enter)).toBe(true);
  });

  it("inserts a newline on Shift+Enter", () => {
    expect(shouldSend({ ...enter, shiftKey: true })).toBe(false);
  });

  it("never sends while the IME is composing (isComposing)", () => {
    expect(shouldSend({ ...enter, nativeEvent: { isComposing: true } })).toBe(false);
  });

  it("never sends on keyCode 229 (Safari's confirming Enter after compositionend)", () => {
    expect(shouldSend({ key: "Enter", keyCode: 229, nativeEvent: { isComposing: false } })).toBe(false);
  });

  it("never sends while the composition tracker is active", () => {
    expect(shouldSend(enter, true)).toBe(false);
  });

  it("ignores other keys", () => {
    expect(shouldSend({ key: "a", keyCode: 65 })).toBe(false);
  });
});

describe("createCompositionTracker", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("does not send on an Enter right after compositionend in the same tick", () => {
    const tracker = createCompositionTracker();
    tracker.start();
    tracker.end();
    expect(shouldSend(enter, tracker.active)).toBe(false);

    vi.runAllTimers();
    expect(shouldSend(enter, tracker.active)).toBe(true);
  });

  it("stays active when a new composition starts before the deferred end runs", () => {
    const tracker = createCompositionTracker();
    tracker.start();
    tracker.end();
    tracker.start();
    vi.runAllTimers();
    expect(tracker.active).toBe(true);
  });
});

describe("shouldSwallow", () => {
  it("swallows an Enter inside a composition that the IME did not mark", () => {
    expect(shouldSwallow({ ...enter, nativeEvent: { isComposing: true } })).toBe(true);
    expect(shouldSwallow(enter, true)).toBe(true);
  });

  it("leaves the IME's own keystrokes (229) and ordinary Enters alone", () => {
    expect(shouldSwallow({ key: "Enter", keyCode: 229, nativeEvent: { isComposing: true } })).toBe(false);
    expect(shouldSwallow(enter)).toBe(false);
    expect(shouldSwallow({ ...enter, shiftKey: true }, true)).toBe(false);
  });
});

describe("shouldStop", () => {
  it("stops on Escape", () => {
    expect(shouldStop({ key: "Escape", keyCode: 27 })).toBe(true);
  });

  it("does not stop when Escape cancels an IME composition", () => {
    expect(shouldStop({ key: "Escape", keyCode: 229, nativeEvent: { isComposing: true } })).toBe(false);
    expect(shouldStop({ key: "Escape", keyCode: 27 }, true)).toBe(false);
  });
});
