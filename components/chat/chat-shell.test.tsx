// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ChatStatus } from "ai";
import { NextIntlClientProvider } from "next-intl";
import type { ComponentProps } from "react";
import { act, memo, Profiler, useEffect } from "react";
import type { Root } from "react-dom/client";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatUIMessage, ModelsResponse } from "@/lib/chat/types";
import { DEFAULT_IMAGE_SETTINGS } from "@/lib/images/limits";
import zh from "@/messages/zh-CN.json";
import type * as DropZoneModule from "./attachments/chat-drop-zone";
import type { ChatEngineProps, ChatEngineState } from "./chat-engine";
import type * as HeaderModule from "./chat-header";
import type * as ComposerModule from "./composer";
import type * as MessageModule from "./message";
import type * as ListModule from "./message-list";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// Renders, counted per part of the chat screen. The drop zone is the shell's direct child and not memoised, so its
// wrapper runs exactly when the shell renders; the others count commits of their whole subtree (React's Profiler).
const renders = vi.hoisted(() => ({
  shell: 0,
  header: 0,
  composer: 0,
  list: 0,
  messages: {} as Record<string, number>,
}));

// A stand-in engine: the test plays useChat's part and reports snapshots through the shell's onChange.
// With `held`, the engine mounts without reporting: to the shell it has not arrived yet.
const engine = vi.hoisted(() => ({
  report: null as null | ((state: { messages: ChatUIMessage[]; status: ChatStatus; error?: Error }) => void),
  stopped: 0,
  held: false,
}));
vi.mock("./chat-engine", () => {
  const functions = {
    sendMessage: async () => {},
    regenerate: async () => {},
    stop: async () => void engine.stopped++,
    setMessages: () => {},
  } satisfies Partial<ChatEngineState>;
  return {
    ChatEngine: ({ onChange, messages }: ChatEngineProps) => {
      useEffect(() => {
        engine.report = (state) => onChange({ ...functions, error: undefined, ...state });
        if (!engine.held) engine.report({ messages, status: "ready" });
        // (The real engine reports through the latest onChange too.)
        // eslint-disable-next-line react-hooks/exhaustive-deps
      }, []);
      return null;
    },
  };
});
vi.mock("next/navigation", () => ({ useRouter: () => ({ push: () => {} }) }));
// A model with vision starts the image worker when the composer shows; these tests attach no new image.
vi.mock("./attachments/preparer", () => ({ imagePreparer: () => ({ warm: () => {} }) }));
vi.mock("./attachments/chat-drop-zone", async (importOriginal) => {
  const real = await importOriginal<typeof DropZoneModule>();
  return {
    ChatDropZone: function CountedDropZone(props: ComponentProps<typeof real.ChatDropZone>) {
      renders.shell++;
      return <real.ChatDropZone {...props} />;
    },
  };
});
function counted<P extends object>(name: "header" | "composer" | "list", Real: (props: P) => React.ReactNode) {
  return function Counted(props: P) {
    return (
      <Profiler id={name} onRender={() => void renders[name]++}>
        <Real {...props} />
      </Profiler>
    );
  };
}
vi.mock("./chat-header", async (importOriginal) => {
  const real = await importOriginal<typeof HeaderModule>();
  return { ChatHeader: counted("header", real.ChatHeader) };
});
vi.mock("./composer", async (importOriginal) => {
  const real = await importOriginal<typeof ComposerModule>();
  return { ...real, Composer: counted("composer", real.Composer) };
});
vi.mock("./message-list", async (importOriginal) => {
  const real = await importOriginal<typeof ListModule>();
  return { MessageList: counted("list", real.MessageList) };
});
vi.mock("./message", async (importOriginal) => {
  const real = await importOriginal<typeof MessageModule>();
  // Memoised like the real one: the Profiler then reports only the commits of the message's own subtree.
  const Message = memo(function CountedMessage(props: ComponentProps<typeof real.Message>) {
    const { id } = props.message;
    return (
      <Profiler id={id} onRender={() => void (renders.messages[id] = (renders.messages[id] ?? 0) + 1)}>
        <real.Message {...props} />
      </Profiler>
    );
  });
  return { ...real, Message };
});

const catalog: ModelsResponse = {
  models: [
    {
      id: "glm-5.1",
      family: "glm",
      ownedBy: "zhipu",
      vision: false,
      tools: true,
      json: true,
      thinking: true,
      contextWindow: 200_000,
      maxOutputTokens: 32_000,
    },
  ],
  defaultModel: "glm-5.1",
  demoMode: false,
  source: "gateway",
  defaults: { thinking: true },
  images: DEFAULT_IMAGE_SETTINGS,
};

const question: ChatUIMessage = { id: "q", role: "user", parts: [{ type: "text", text: "写一首诗" }] };
const reply = (text: string, metadata?: ChatUIMessage["metadata"]): ChatUIMessage => ({
  id: "r",
  role: "assistant",
  parts: [{ type: "text", text }],
  ...(metadata ? { metadata } : {}),
});

let root: Root;
let host: HTMLElement;

async function mountShell(
  props: { initialMessages?: ChatUIMessage[]; resume?: boolean } = {},
  models: ModelsResponse = catalog,
) {
  const { ChatShell } = await import("./chat-shell");
  const queryClient = new QueryClient();
  queryClient.setQueryData(["models"], models);
  await act(async () =>
    root.render(
      <QueryClientProvider client={queryClient}>
        <NextIntlClientProvider locale="zh-CN" messages={zh} timeZone="Asia/Shanghai">
          <ChatShell chatId="c1" {...props} />
        </NextIntlClientProvider>
      </QueryClientProvider>,
    ),
  );
  // The engine loads once the browser is idle (a timer here).
  for (let i = 0; i < 20 && !engine.report; i++) await act(async () => new Promise((r) => setTimeout(r, 20)));
  expect(engine.report).not.toBeNull();
}

const report = (state: { messages: ChatUIMessage[]; status: ChatStatus }) => act(() => engine.report!(state));
const articles = () => [...host.querySelectorAll<HTMLElement>('[data-testid="message"]')];
const snapshot = () => ({ ...renders, messages: { ...renders.messages } });

beforeEach(() => {
  Object.assign(renders, { shell: 0, header: 0, composer: 0, list: 0, messages: {} });
  engine.report = null;
  engine.stopped = 0;
  engine.held = false;
  localStorage.clear();
  window.matchMedia ??= (() => ({ matches: false })) as unknown as typeof window.matchMedia;
  host = document.createElement("div");
  document.body.append(host);
  root = createRoot(host);
});
afterEach(async () => {
  await act(async () => root.unmount());
  host.remove();
});

describe("the chat shell while a reply streams", () => {
  it("renders only the message list and the streaming message per update, not the shell, header or composer", async () => {
    await mountShell();
    await report({ messages: [question], status: "submitted" });
    await report({ messages: [question, reply("床")], status: "streaming" });
    const before = snapshot();

    let text = "床";
    for (const piece of "前明月光，疑是地上霜。举头望明月，低头思故乡。") {
      text += piece;
      await report({ messages: [question, reply(text)], status: "streaming" });
    }
    const updates = [..."前明月光，疑是地上霜。举头望明月，低头思故乡。"].length;
    const after = snapshot();

    expect(after.shell - before.shell).toBe(0);
    expect(after.header - before.header).toBe(0);
    expect(after.composer - before.composer).toBe(0);
    // The list and the streaming reply commit for each update (the reply's text may commit once more in the next
    // animation frame: the renderer paints at most once per frame).
    for (const commits of [after.list - before.list, (after.messages.r ?? 0) - (before.messages.r ?? 0)]) {
      expect(commits).toBeGreaterThanOrEqual(updates);
      expect(commits).toBeLessThanOrEqual(2 * updates);
    }
    // The question does not render again for its reply's tokens.
    expect(after.messages.q).toBe(before.messages.q);

    const [asked, answer] = articles();
    expect(asked?.dataset.status).toBe("done");
    expect(answer?.dataset.status).toBe("streaming");
    expect(answer?.textContent).toContain("低头思故乡。");
    // The composer shows Stop while the reply runs.
    expect(host.querySelector('[data-testid="stop-button"]')).not.toBeNull();
  });

  it("shows the ending: the reply's status and the composer's Send come back when the stream ends", async () => {
    await mountShell();
    await report({ messages: [question], status: "submitted" });
    await report({ messages: [question, reply("你好")], status: "streaming" });
    const before = snapshot();
    await report({ messages: [question, reply("你好。", { status: "done", finishReason: "stop" })], status: "ready" });
    const after = snapshot();
    // Busy → not busy: the composer renders again for it; the shell and header still do not.
    expect(after.shell - before.shell).toBe(0);
    expect(after.header - before.header).toBe(0);
    expect(after.composer - before.composer).toBeGreaterThan(0);
    expect(articles()[1]?.dataset.status).toBe("done");
    expect(host.querySelector('[data-testid="stop-button"]')).toBeNull();
    expect(host.querySelector('[data-testid="send-button"]')).not.toBeNull();
  });

  it("shows a stored conversation, and a resumed reply as streaming until the engine reports", async () => {
    await mountShell({ initialMessages: [question, reply("上一次的回答")], resume: true });
    expect(articles()).toHaveLength(2);
    expect(articles()[1]?.textContent).toContain("上一次的回答");
    await report({ messages: [question, reply("上一次的回答，接着说")], status: "streaming" });
    expect(articles()[1]?.dataset.status).toBe("streaming");
    expect(articles()[1]?.textContent).toContain("接着说");
  });
});

describe("Stop before the chat engine has arrived", () => {
  const visionCatalog: ModelsResponse = {
    ...catalog,
    models: catalog.models.map((m) => ({ ...m, vision: true })),
  };
  const image = { type: "file" as const, mediaType: "image/png", url: "/api/images/img-1", filename: "截图.png" };
  const input = () => host.querySelector<HTMLTextAreaElement>('[data-testid="chat-input"]')!;
  const trayImages = () => [...host.querySelectorAll<HTMLElement>('[data-testid="attachment"]')].map((i) => i.title);
  const press = (target: EventTarget) =>
    act(() => void target.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true })));

  /** A question with an image in the composer (as a previous visit left it), sent while the engine is held. */
  async function sendWhileEngineHeld() {
    localStorage.setItem("glm-chat.unsent.c1", JSON.stringify({ text: "看这张图", files: [image] }));
    engine.held = true;
    await mountShell({}, visionCatalog);
    expect(input().value).toBe("看这张图");
    expect(trayImages()).toEqual(["截图.png"]);
    await act(async () => host.querySelector<HTMLButtonElement>('[data-testid="send-button"]')!.click());
    expect(articles()).toHaveLength(1);
    expect(input().value).toBe("");
    expect(trayImages()).toEqual([]);
    expect(host.querySelector('[data-testid="stop-button"]')).not.toBeNull();
  }

  function expectQuestionBack() {
    expect(articles()).toHaveLength(0);
    expect(input().value).toBe("看这张图");
    expect(trayImages()).toEqual(["截图.png"]);
    // Given back now, so not held for the next visit (it would come back a second time).
    expect(localStorage.getItem("glm-chat.unsent.c1")).toBeNull();
    expect(engine.stopped).toBe(0);
  }

  it("through the page-wide Esc puts the question back at once, text and images", async () => {
    await sendWhileEngineHeld();
    await press(document.body);
    expectQuestionBack();
  });

  it("through the composer's Stop button puts it back the same way", async () => {
    await sendWhileEngineHeld();
    await act(async () => host.querySelector<HTMLButtonElement>('[data-testid="stop-button"]')!.click());
    expectQuestionBack();
  });

  it("through Esc in the composer puts it back the same way (the page-wide Esc does not stop twice)", async () => {
    await sendWhileEngineHeld();
    await press(input());
    expectQuestionBack();
  });
});
