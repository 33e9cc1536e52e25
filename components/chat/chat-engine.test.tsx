// @vitest-environment happy-dom
import { act, Profiler } from "react";
import type { Root } from "react-dom/client";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DONE_FRAME } from "@/lib/chat/ui-stream";
import type { ChatEngineState } from "./chat-engine";
import { ChatEngine } from "./chat-engine";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const frame = (chunk: object) => `data: ${JSON.stringify(chunk)}\n\n`;
const PIECES = ["床前", "明月光，", "疑是", "地上霜。", "举头望", "明月，", "低头思", "故乡。"];

/** POST /api/chat answering with a reply whose frames arrive one network read at a time. */
function replyResponse(): Response {
  const frames = [
    frame({ type: "start", messageId: "r" }),
    frame({ type: "start-step" }),
    frame({ type: "text-start", id: "t" }),
    ...PIECES.map((delta) => frame({ type: "text-delta", id: "t", delta })),
    frame({ type: "text-end", id: "t" }),
    frame({ type: "finish-step" }),
    frame({ type: "finish", finishReason: "stop" }),
    DONE_FRAME,
  ];
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (next < frames.length) controller.enqueue(encoder.encode(frames[next++]!));
      else controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

let root: Root;
beforeEach(() => {
  root = createRoot(document.createElement("div"));
  vi.stubGlobal(
    "fetch",
    vi.fn(async () => replyResponse()),
  );
});
afterEach(async () => {
  await act(async () => root.unmount());
  vi.unstubAllGlobals();
});

describe("the chat engine", () => {
  it("reports every streamed update straight from the chat, without rendering for it", async () => {
    const reports: ChatEngineState[] = [];
    let renders = 0;
    const finished: string[] = [];
    await act(async () =>
      root.render(
        <Profiler id="engine" onRender={() => void renders++}>
          <ChatEngine
            chatId="c"
            messages={[]}
            resume={false}
            // Every update is reported (no throttle), so each streamed piece is one report.
            throttle={0}
            onFinish={({ message }) => void finished.push(message.id)}
            onReconnect={() => {}}
            onChange={(state) => void reports.push(state)}
          />
        </Profiler>,
      ),
    );
    // It reports when it starts, with the functions the shell keeps.
    expect(reports).toHaveLength(1);
    const first = reports[0]!;
    expect(first.status).toBe("ready");

    const rendersBefore = renders;
    await act(async () => {
      await first.sendMessage({ id: "q", role: "user", parts: [{ type: "text", text: "静夜思" }] });
    });
    for (let i = 0; i < 20 && finished.length === 0; i++) {
      await act(async () => new Promise((resolve) => setTimeout(resolve, 10)));
    }
    expect(finished).toEqual(["r"]);

    // Each piece of text was reported as it arrived, with the same functions.
    const texts = reports.map((state) => {
      const last = state.messages.at(-1);
      return last?.role === "assistant" ? last.parts.map((p) => (p.type === "text" ? p.text : "")).join("") : "";
    });
    let expected = "";
    for (const piece of PIECES) {
      expected += piece;
      expect(texts).toContain(expected);
    }
    expect(reports.at(-1)?.status).toBe("ready");
    expect(reports.every((state) => state.sendMessage === first.sendMessage && state.stop === first.stop)).toBe(true);
    // The component rendered for the status changes (submitted, streaming, ready), not for the pieces.
    expect(renders - rendersBefore).toBeLessThanOrEqual(4);
    expect(reports.length).toBeGreaterThan(PIECES.length);
  });

  it("changes the conversation through setMessages, and reports it", async () => {
    const reports: ChatEngineState[] = [];
    await act(async () =>
      root.render(
        <ChatEngine
          chatId="c2"
          messages={[{ id: "a", role: "user", parts: [{ type: "text", text: "一" }] }]}
          resume={false}
          throttle={0}
          onFinish={() => {}}
          onReconnect={() => {}}
          onChange={(state) => void reports.push(state)}
        />,
      ),
    );
    expect(reports[0]?.messages.map((m) => m.id)).toEqual(["a"]);
    act(() => reports[0]!.setMessages([]));
    expect(reports.at(-1)?.messages).toEqual([]);
  });
});
