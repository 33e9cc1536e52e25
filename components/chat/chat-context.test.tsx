// @vitest-environment happy-dom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatUIMessage } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";
import type { ChatShellInput, EngineSnapshot } from "./chat-context";
import { ChatStateContext, createChatStore, useChatSelector, useChatState } from "./chat-context";
import type { BudgetInput } from "./use-context-budget";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const noop = () => undefined;
const reply = (text: string, metadata?: ChatUIMessage["metadata"]): ChatUIMessage => ({
  id: "a",
  role: "assistant",
  parts: [{ type: "text", text }],
  ...(metadata ? { metadata } : {}),
});

// Counts each message's characters, like the real estimate's shape (the tests care only that it follows the text).
const budget = (contextWindow = 1000): BudgetInput => ({
  contextWindow,
  measure: (messages) =>
    messages.reduce((sum, m) => sum + m.parts.reduce((n, p) => n + (p.type === "text" ? p.text.length : 0), 0), 0),
  dropOldestTurns: () => 0,
  reset: noop,
});

function baseInput(): ChatShellInput {
  return {
    chatId: "c",
    baseMessages: [],
    pendingMessage: undefined,
    pending: null,
    resuming: false,
    endings: new Map(),
    model: "glm-5-1",
    modelInfo: undefined,
    setModel: noop,
    settings: {},
    updateSettings: noop,
    resetSettings: noop,
    budget: budget(),
    send: () => true,
    imagesOmitted: false,
    omitImages: noop,
    stop: noop,
    regenerate: noop,
    edit: noop,
    continueReply: noop,
    newChat: noop,
    openDialog: noop,
  };
}

const question = (id: string): ChatUIMessage => ({ id, role: "user", parts: [{ type: "text", text: id }] });
const snapshot = (messages: ChatUIMessage[], status: EngineSnapshot["status"] = "streaming"): EngineSnapshot => ({
  messages,
  status,
  error: undefined,
});

describe("the chat store", () => {
  it("renders a part again only when a field it named (or a value it derived) changes", () => {
    const store = createChatStore(baseInput());
    const renders = { model: 0, messages: 0, length: 0, all: 0 };
    function ModelPart() {
      renders.model++;
      return <i>{useChatState("model").model}</i>;
    }
    function MessagesPart() {
      renders.messages++;
      return <b>{useChatState("messages").messages.at(-1)?.parts.length ?? 0}</b>;
    }
    function LengthPart() {
      renders.length++;
      return <s>{useChatSelector((state) => state.messages.length)}</s>;
    }
    function AllPart() {
      renders.all++;
      return <u>{useChatState().status}</u>;
    }
    const container = document.createElement("div");
    const root = createRoot(container);
    act(() =>
      root.render(
        <ChatStateContext value={store}>
          <ModelPart />
          <MessagesPart />
          <LengthPart />
          <AllPart />
        </ChatStateContext>,
      ),
    );
    expect(renders).toEqual({ model: 1, messages: 1, length: 1, all: 1 });

    // A reply streams: the messages change three times, their count once.
    for (const text of ["你", "你好", "你好。"]) act(() => store.setEngine(snapshot([reply(text)])));
    expect(renders).toEqual({ model: 1, messages: 4, length: 2, all: 4 });

    act(() => store.setShell({ ...baseInput(), model: "glm-4" }));
    expect(renders).toEqual({ model: 2, messages: 4, length: 2, all: 5 });
    expect(container.querySelector("i")?.textContent).toBe("glm-4");
    act(() => root.unmount());
  });

  it("derives the conversation, status and error from the shell's part and the engine's latest snapshot", () => {
    const input = { ...baseInput(), baseMessages: [question("stored")] };
    const store = createChatStore(input);
    expect(store.get().messages.map((m) => m.id)).toEqual(["stored"]);
    expect(store.get()).toMatchObject({ status: "ready", isBusy: false, error: undefined });

    // A question waiting for the engine shows at once, and the chat counts as sent.
    const waiting = { ...input, pendingMessage: question("q1"), pending: "waiting" as const };
    store.setShell(waiting);
    expect(store.get().messages.map((m) => m.id)).toEqual(["stored", "q1"]);
    expect(store.get()).toMatchObject({ status: "submitted", isBusy: true });
    // Once the engine has it, it is not shown twice.
    store.setEngine(snapshot([question("stored"), question("q1")], "submitted"));
    expect(store.get().messages.map((m) => m.id)).toEqual(["stored", "q1"]);

    // The engine could not be loaded: an error with Retry, and nothing is busy.
    store.setShell({ ...waiting, pending: "failed" });
    expect(store.get()).toMatchObject({ status: "error", isBusy: false, error: { code: "connection_lost" } });

    // A stream error, then an error the server put in the reply's metadata.
    store.setShell(input);
    store.setEngine({ ...snapshot([question("q1")], "error"), error: new Error("boom") });
    expect(store.get().status).toBe("error");
    expect(store.get().error).toBeDefined();
    const payload = new AppError("upstream_error").toPayload();
    store.setEngine(snapshot([question("q1"), reply("半")], "streaming"));
    expect(store.get().error).toBeUndefined();
    store.setEngine(snapshot([question("q1"), reply("半", { error: payload })], "ready"));
    expect(store.get().error).toBe(payload);

    // A reply the page loaded mid-way counts as streaming until the reconnect request answers.
    store.setShell({ ...input, resuming: true });
    expect(store.get()).toMatchObject({ status: "streaming", isBusy: true });
  });

  it("tells no one when the shell renders with the same values, or the engine reports the same snapshot", () => {
    const input = baseInput();
    const store = createChatStore(input);
    let calls = 0;
    store.subscribe(() => calls++);
    store.setShell({ ...input });
    const messages = [question("q")];
    store.setEngine(snapshot(messages, "ready"));
    store.setEngine(snapshot(messages, "ready"));
    expect(calls).toBe(1);
    const before = store.get();
    expect(before.context.used).toBe(1);
    store.setShell({ ...input, chatId: "other" });
    expect(calls).toBe(2);
    // Unchanged parts keep their identity, so the parts reading them do not render again.
    expect(store.get().messages).toBe(before.messages);
    expect(store.get().context).toBe(before.context);
  });

  describe("the context estimate while a reply streams", () => {
    afterEach(() => void vi.useRealTimers());

    it("follows the reply at most once per interval, and exactly once it ends", () => {
      vi.useFakeTimers();
      const store = createChatStore(baseInput(), { budgetRefreshMs: 1000 });
      const q = question("问");
      store.setEngine(snapshot([q], "submitted"));
      expect(store.get().context.used).toBe(1);
      store.setEngine(snapshot([q, reply("一")]));
      store.setEngine(snapshot([q, reply("一二")]));
      store.setEngine(snapshot([q, reply("一二三")]));
      expect(store.get().context.used).toBe(1);
      expect(store.get().messages.at(-1)?.parts).toEqual([{ type: "text", text: "一二三" }]);
      vi.advanceTimersByTime(1000);
      expect(store.get().context.used).toBe(4);
      store.setEngine(snapshot([q, reply("一二三四")]));
      vi.advanceTimersByTime(500);
      expect(store.get().context.used).toBe(4);
      // The end of the stream counts at once (a question sent next must fit by the full count).
      store.setEngine(snapshot([q, reply("一二三四五")], "ready"));
      expect(store.get().context.used).toBe(6);
      vi.advanceTimersByTime(5000);
      expect(store.get().context.used).toBe(6);
    });

    it("drops the oldest turns of the conversation as it is now", () => {
      const dropped: string[][] = [];
      const store = createChatStore({
        ...baseInput(),
        budget: { ...budget(), dropOldestTurns: (messages) => dropped.push(messages.map((m) => m.id)) },
      });
      const { dropOldestTurns } = store.get().context;
      store.setEngine(snapshot([question("a"), question("b")], "ready"));
      dropOldestTurns(0);
      expect(dropped).toEqual([["a", "b"]]);
      // The same function while the budget is the same.
      expect(store.get().context.dropOldestTurns).toBe(dropOldestTurns);
    });
  });

  it("refuses to be read outside the chat", () => {
    function Orphan() {
      useChatState("model");
      return null;
    }
    const root = createRoot(document.createElement("div"));
    expect(() => act(() => root.render(<Orphan />))).toThrow(/inside <ChatShell>/);
  });
});
