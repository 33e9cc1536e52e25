// @vitest-environment happy-dom
import { act, useEffect } from "react";
import type { Root } from "react-dom/client";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatUIMessage } from "@/lib/chat/types";
import {
  heldQuestion,
  holdQuestion,
  lastQuestionKey,
  questionKey,
  useDraft,
  useUnsentQuestion,
  type UnsentQuestion,
} from "./use-draft";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// The composer's sent question, held until the server takes it up (components/chat/use-draft.ts): driven here by
// the chat's status and last question as the composer passes them, without the rest of the chat.

type Status = "submitted" | "streaming" | "ready" | "error";

const question: UnsentQuestion = {
  text: "带图的问题",
  files: [{ type: "file", mediaType: "image/png", url: "/api/images/img-1", filename: "截图.png" }],
};
const KEY = questionKey(question);

let root: Root;
let restored: UnsentQuestion[];
let hold: (q: UnsentQuestion) => void;
let stopping: () => void;

function Harness({ chatId, status, lastKey }: { chatId: string; status: Status; lastKey: string }) {
  const unsent = useUnsentQuestion(chatId, { status, lastQuestionKey: lastKey }, (q) => restored.push(q));
  useEffect(() => {
    hold = unsent.hold;
    stopping = unsent.stopping;
  });
  return null;
}

const show = (status: Status, lastKey: string, chatId = "c1") =>
  act(() => root.render(<Harness chatId={chatId} status={status} lastKey={lastKey} />));

beforeEach(() => {
  localStorage.clear();
  restored = [];
  root = createRoot(document.createElement("div"));
});
afterEach(() => {
  act(() => root.unmount());
  vi.restoreAllMocks();
});

describe("the question the composer sent", () => {
  it("comes back, text and images, when Stop takes it back before it went out", () => {
    show("ready", "");
    act(() => hold(question));
    expect(heldQuestion("c1")).toEqual(question);
    // Shown while it waits for the engine; then Stop: ready again, and the conversation no longer has it.
    show("submitted", KEY);
    act(() => stopping());
    show("ready", "");
    expect(restored).toEqual([question]);
    expect(heldQuestion("c1")).toBeUndefined();
    // Once.
    show("ready", "");
    expect(restored).toHaveLength(1);
  });

  it("stays held, not put back, for the moment the engine takes it over (ready, without it, no Stop)", () => {
    show("ready", "");
    act(() => hold(question));
    show("submitted", KEY);
    show("ready", "");
    expect(restored).toEqual([]);
    expect(heldQuestion("c1")).toEqual(question);
    show("submitted", KEY);
    show("streaming", KEY);
    expect(heldQuestion("c1")).toBeUndefined();
    expect(restored).toEqual([]);
  });

  it("is let go once its reply streams, and when a reply it started is stopped", () => {
    show("ready", "");
    act(() => hold(question));
    show("ready", "");
    expect(heldQuestion("c1")).toEqual(question);
    show("submitted", KEY);
    show("streaming", KEY);
    expect(heldQuestion("c1")).toBeUndefined();
    show("ready", KEY);

    act(() => hold(question));
    show("submitted", KEY);
    act(() => stopping());
    // The engine had sent it: Stop ends the request, the question stays in the conversation, not in the composer.
    show("ready", KEY);
    expect(heldQuestion("c1")).toBeUndefined();
    expect(restored).toEqual([]);
  });

  it("stays held while it could not go out, and is back after a reload unless the server has it", () => {
    show("ready", "");
    act(() => hold(question));
    show("submitted", KEY);
    show("error", KEY);
    expect(heldQuestion("c1")).toEqual(question);
    act(() => root.unmount());

    // The reload: the stored conversation does not have it.
    root = createRoot(document.createElement("div"));
    show("ready", "");
    expect(restored).toEqual([question]);
    expect(heldQuestion("c1")).toBeUndefined();

    // Another chat's held question stays with that chat; one the server stored is not put back.
    holdQuestion("c2", question);
    act(() => root.unmount());
    root = createRoot(document.createElement("div"));
    show("ready", KEY, "c2");
    expect(restored).toHaveLength(1);
    expect(heldQuestion("c2")).toBeUndefined();
  });

  it("ignores what storage holds when it is not a question", () => {
    for (const raw of [
      "{",
      "null",
      '{"text":1,"files":[]}',
      '{"text":"x","files":[{"type":"file","url":"https://x/y.png"}]}',
    ]) {
      localStorage.setItem("glm-chat.unsent.c1", raw);
      expect(heldQuestion("c1")).toBeUndefined();
    }
  });

  it("finds the conversation's last question by its text and images", () => {
    const messages: ChatUIMessage[] = [
      { id: "u1", role: "user", parts: [{ type: "text", text: "早先的问题" }] },
      { id: "u2", role: "user", parts: [...question.files, { type: "text", text: question.text }] },
      { id: "a1", role: "assistant", parts: [{ type: "text", text: "回答" }] },
    ];
    expect(lastQuestionKey(messages)).toBe(KEY);
    expect(lastQuestionKey(messages.slice(0, 1))).toBe(questionKey({ text: "早先的问题", files: [] }));
    expect(lastQuestionKey([])).toBe("");
  });
});

describe("without storage (full or disabled)", () => {
  function disableStorage() {
    const refuse = () => {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
    for (const method of ["getItem", "setItem", "removeItem"] as const) {
      vi.spyOn(localStorage, method).mockImplementation(refuse);
    }
  }

  it("keeps the draft in memory for this visit", () => {
    disableStorage();
    const seen: { draft: string; setDraft: (value: string) => void }[] = [];
    function Draft() {
      const [draft, setDraft] = useDraft("c-nostore");
      useEffect(() => void seen.push({ draft, setDraft }));
      return null;
    }
    const draft = () => seen.at(-1)!.draft;
    act(() => root.render(<Draft />));
    expect(draft()).toBe("");
    act(() => seen.at(-1)!.setDraft("草稿"));
    expect(draft()).toBe("草稿");
    act(() => seen.at(-1)!.setDraft(""));
    expect(draft()).toBe("");
  });

  it("still gives a question back after Stop, and holds nothing", () => {
    disableStorage();
    show("ready", "");
    act(() => hold(question));
    expect(heldQuestion("c1")).toBeUndefined();
    show("submitted", KEY);
    act(() => stopping());
    show("ready", "");
    expect(restored).toEqual([question]);
  });
});
