// @vitest-environment happy-dom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { ChatState } from "./chat-context";
import { ChatStateContext, createChatStore, useChatSelector, useChatState } from "./chat-context";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const noop = () => undefined;
const reply = (text: string): ChatUIMessage => ({ id: "a", role: "assistant", parts: [{ type: "text", text }] });

function baseState(): ChatState {
  return {
    chatId: "c",
    messages: [],
    status: "ready",
    isBusy: false,
    endings: new Map(),
    error: undefined,
    model: "glm-5-1",
    modelInfo: undefined,
    setModel: noop,
    settings: {},
    updateSettings: noop,
    resetSettings: noop,
    context: { used: 0, contextWindow: 1000, dropOldestTurns: () => 0, reset: noop },
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

describe("the chat store", () => {
  it("renders a part again only when a field it named (or a value it derived) changes", () => {
    const store = createChatStore(baseState());
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
    let state = baseState();
    for (const text of ["你", "你好", "你好。"]) {
      state = { ...state, messages: [reply(text)] };
      act(() => store.set(state));
    }
    expect(renders).toEqual({ model: 1, messages: 4, length: 2, all: 4 });

    act(() => store.set({ ...state, model: "glm-4" }));
    expect(renders).toEqual({ model: 2, messages: 4, length: 2, all: 5 });
    expect(container.querySelector("i")?.textContent).toBe("glm-4");
    act(() => root.unmount());
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
