// @vitest-environment happy-dom
import { act, Profiler } from "react";
import type { Root } from "react-dom/client";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DONE_FRAME } from "@/lib/chat/ui-stream";
import type { ChatEngineState } from "./chat-engine";
import { ChatEngine, createReporter } from "./chat-engine";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const frame = (chunk: object) => `data: ${JSON.stringify(chunk)}\n\n`;
const replyText = (state: Pick<ChatEngineState, "messages">) => {
  const last = state.messages.at(-1);
  return last?.role === "assistant" ? last.parts.map((p) => (p.type === "text" ? p.text : "")).join("") : "";
};
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

  it("hands over a reply's first text at once, with the streaming status, in one update", async () => {
    const reports: ChatEngineState[] = [];
    const finished: string[] = [];
    await act(async () =>
      root.render(
        <ChatEngine
          chatId="c3"
          messages={[]}
          resume={false}
          // The shell's throttle: the pieces arrive a few ms apart, well within one window.
          throttle={50}
          onFinish={({ message }) => void finished.push(message.id)}
          onReconnect={() => {}}
          onChange={(state) => void reports.push(state)}
        />,
      ),
    );
    await act(async () => {
      await reports[0]!.sendMessage({ id: "q", role: "user", parts: [{ type: "text", text: "静夜思" }] });
    });
    for (let i = 0; i < 50 && finished.length === 0; i++) {
      await act(async () => new Promise((resolve) => setTimeout(resolve, 10)));
    }
    expect(finished).toEqual(["r"]);

    const first = reports.findIndex((state) => replyText(state) !== "");
    // The first piece, not what a throttle window later had gathered (the window is longer than the whole reply).
    expect(replyText(reports[first]!)).toBe(PIECES[0]);
    expect(reports[first]!.status).toBe("streaming");
    // The status turning to streaming (with the reply's empty text part) did not go out on its own before it: that
    // would be a render of the chat between the reply's first bytes and its first text.
    const before = reports.slice(0, first);
    expect(before.map((state) => state.status)).not.toContain("streaming");
    // And the end goes out at once, with all of the text.
    expect(reports.at(-1)?.status).toBe("ready");
    expect(replyText(reports.at(-1)!)).toBe(PIECES.join(""));
  });
});

/** What the reporter reads of the chat. */
type ChatLike = { messages: ChatEngineState["messages"]; status: ChatEngineState["status"]; error: Error | undefined };

describe("the engine's reporter", () => {
  const user = { id: "q", role: "user" as const, parts: [{ type: "text" as const, text: "问" }] };
  const reply = (text: string) => ({
    id: "r",
    role: "assistant" as const,
    parts: [{ type: "step-start" as const }, { type: "text" as const, text, state: "streaming" as const }],
  });

  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] }));
  afterEach(() => void vi.useRealTimers());

  it("gathers text growing within the window into one update at its end, and reports the end at once", () => {
    const state: ChatLike = {
      messages: [user, reply("床前")],
      status: "streaming",
      error: undefined,
    };
    const seen: string[] = [];
    const reporter = createReporter(state, () => void seen.push(`${state.status}:${replyText(state)}`), 50);
    reporter.now();
    state.messages = [user, reply("床前明月")];
    reporter.messages();
    state.messages = [user, reply("床前明月光，")];
    reporter.messages();
    // Within the window: nothing yet.
    expect(seen).toEqual(["streaming:床前"]);
    vi.advanceTimersByTime(50);
    expect(seen).toEqual(["streaming:床前", "streaming:床前明月光，"]);
    state.messages = [user, reply("床前明月光，疑是")];
    reporter.messages();
    state.status = "ready";
    reporter.status();
    expect(seen.at(-1)).toBe("ready:床前明月光，疑是");
    // The window's timer went with it: nothing more.
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(3);
    reporter.stop();
  });

  it("holds what the reader cannot see yet for a while, and hands it over with the first text or after the wait", () => {
    const state: ChatLike = { messages: [user], status: "submitted", error: undefined };
    const seen: string[] = [];
    const reporter = createReporter(
      state,
      () => void seen.push(`${state.status}:${state.messages.length}:${replyText(state)}`),
      50,
    );
    reporter.now();
    vi.advanceTimersByTime(300);
    // The reply's first chunk makes an empty message: it goes out (the list shows it connecting).
    state.messages = [user, { id: "r", role: "assistant", parts: [] }];
    reporter.messages();
    expect(seen).toEqual(["submitted:1:", "submitted:2:"]);
    // Then the status turns to streaming with an empty text part: that waits for the text.
    state.status = "streaming";
    state.messages = [user, reply("")];
    reporter.status();
    reporter.messages();
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(2);
    // The first text: at once, with the status.
    state.messages = [user, reply("床前")];
    reporter.messages();
    expect(seen.at(-1)).toBe("streaming:2:床前");

    // A model slow to write its first text: its status goes out after the wait all the same.
    state.messages = [user, reply("床前"), user, { id: "r2", role: "assistant", parts: [] }];
    state.status = "submitted";
    reporter.status();
    state.status = "streaming";
    state.messages = [user, reply("床前"), user, { id: "r2", role: "assistant", parts: [] }];
    reporter.status();
    const before = seen.length;
    vi.advanceTimersByTime(249);
    expect(seen).toHaveLength(before);
    vi.advanceTimersByTime(1);
    expect(seen.at(-1)).toBe("streaming:4:");
    reporter.stop();
  });
});
