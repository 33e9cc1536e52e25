import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sseData, sseJson } from "@/test/sse";
import { COALESCE_MS, DONE_FRAME, UI_STREAM_HEADERS, UiStreamWriter } from "./ui-stream";

function recorder() {
  const frames: string[] = [];
  return { frames, sink: (frame: string) => frames.push(frame), parts: () => sseJson(frames.join("")) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("UiStreamWriter", () => {
  it("declares the AI SDK UI message stream headers", () => {
    expect(UI_STREAM_HEADERS["content-type"]).toMatch(/^text\/event-stream/);
    expect(UI_STREAM_HEADERS["x-vercel-ai-ui-message-stream"]).toBe("v1");
    expect(COALESCE_MS).toBe(25);
  });

  it("writes each part as one `data: <json>\\n\\n` frame", () => {
    const { frames, sink } = recorder();
    const writer = new UiStreamWriter(sink);
    writer.write({ type: "start", messageId: "m1", messageMetadata: { model: "glm-5-1" } });
    writer.delta("text", '引号 " 和换行\n都要转义');
    writer.close();
    for (const frame of frames) {
      expect(frame).toMatch(/^data: [^\n]+\n\n$/);
      expect(sseData(frame)).toHaveLength(1);
    }
    const data = sseData(frames.join(""));
    expect(data.slice(0, -1).map((d) => JSON.parse(d) as unknown)).toEqual([
      { type: "start", messageId: "m1", messageMetadata: { model: "glm-5-1" } },
      { type: "text-start", id: "text-1" },
      { type: "text-delta", id: "text-1", delta: '引号 " 和换行\n都要转义' },
      { type: "text-end", id: "text-1" },
    ]);
  });

  it("opens reasoning then text, closing each part before the next opens", () => {
    const { sink, parts } = recorder();
    const writer = new UiStreamWriter(sink, 0);
    writer.delta("reasoning", "想");
    writer.delta("reasoning", "一想");
    writer.delta("text", "答");
    writer.delta("text", "案");
    writer.close();
    expect(parts()).toEqual([
      { type: "reasoning-start", id: "reasoning-1" },
      { type: "reasoning-delta", id: "reasoning-1", delta: "想" },
      { type: "reasoning-delta", id: "reasoning-1", delta: "一想" },
      { type: "reasoning-end", id: "reasoning-1" },
      { type: "text-start", id: "text-2" },
      { type: "text-delta", id: "text-2", delta: "答" },
      { type: "text-delta", id: "text-2", delta: "案" },
      { type: "text-end", id: "text-2" },
      "[DONE]",
    ]);
  });

  it("ignores empty deltas (no empty part is opened)", () => {
    const { frames, sink } = recorder();
    const writer = new UiStreamWriter(sink);
    writer.delta("text", "");
    expect(frames).toEqual([]);
  });

  it("sends the first delta of a part at once and merges later deltas within 25 ms", () => {
    const { sink, parts } = recorder();
    const writer = new UiStreamWriter(sink);
    writer.delta("text", "A");
    expect(parts()).toEqual([
      { type: "text-start", id: "text-1" },
      { type: "text-delta", id: "text-1", delta: "A" },
    ]);
    writer.delta("text", "B");
    vi.advanceTimersByTime(10);
    writer.delta("text", "C");
    vi.advanceTimersByTime(14);
    expect(parts()).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(parts().at(-1)).toEqual({ type: "text-delta", id: "text-1", delta: "BC" });
    expect(parts()).toHaveLength(3);

    writer.delta("text", "D");
    writer.delta("text", "E");
    vi.advanceTimersByTime(25);
    expect(parts().at(-1)).toEqual({ type: "text-delta", id: "text-1", delta: "DE" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("flushes pending text before any other part and before a part switch", () => {
    const { sink, parts } = recorder();
    const writer = new UiStreamWriter(sink);
    writer.delta("reasoning", "r1");
    writer.delta("reasoning", "r2");
    writer.delta("text", "t1");
    writer.delta("text", "t2");
    writer.write({ type: "message-metadata", messageMetadata: { status: "done" } });
    expect(parts()).toEqual([
      { type: "reasoning-start", id: "reasoning-1" },
      { type: "reasoning-delta", id: "reasoning-1", delta: "r1" },
      { type: "reasoning-delta", id: "reasoning-1", delta: "r2" },
      { type: "reasoning-end", id: "reasoning-1" },
      { type: "text-start", id: "text-2" },
      { type: "text-delta", id: "text-2", delta: "t1" },
      { type: "text-delta", id: "text-2", delta: "t2" },
      { type: "message-metadata", messageMetadata: { status: "done" } },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps every character: the concatenated deltas equal the input", () => {
    const { sink, parts } = recorder();
    const writer = new UiStreamWriter(sink);
    const pieces = Array.from({ length: 50 }, (_, i) => `片${i}`);
    for (const piece of pieces) {
      writer.delta("text", piece);
      vi.advanceTimersByTime(7);
    }
    writer.close();
    const deltas = parts().flatMap((p) => (p !== "[DONE]" && p.type === "text-delta" ? [p.delta] : []));
    expect(deltas.join("")).toBe(pieces.join(""));
    // Coalesced: far fewer frames than deltas.
    expect(deltas.length).toBeLessThan(pieces.length / 2);
  });

  it("closes with the open part's end, then data: [DONE], and writes nothing after", () => {
    const { frames, sink } = recorder();
    const writer = new UiStreamWriter(sink);
    writer.delta("text", "a");
    writer.delta("text", "b");
    writer.close();
    expect(frames.at(-1)).toBe(DONE_FRAME);
    expect(DONE_FRAME).toBe("data: [DONE]\n\n");
    expect(sseJson(frames.slice(-3).join(""))).toEqual([
      { type: "text-delta", id: "text-1", delta: "b" },
      { type: "text-end", id: "text-1" },
      "[DONE]",
    ]);
    const count = frames.length;
    writer.delta("text", "late");
    writer.write({ type: "finish" });
    writer.close();
    vi.runAllTimers();
    expect(frames).toHaveLength(count);
  });

  it("endPart is a no-op without an open part", () => {
    const { frames, sink } = recorder();
    const writer = new UiStreamWriter(sink);
    writer.endPart();
    writer.close();
    expect(frames).toEqual([DONE_FRAME]);
  });
});
