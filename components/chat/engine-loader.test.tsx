// @vitest-environment happy-dom
import { act, useEffect } from "react";
import type { Root } from "react-dom/client";
import { createRoot } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChatEngineProps, ChatEngineState } from "./chat-engine";
import type { EngineLoader } from "./engine-loader";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// A stand-in engine: reports a state on mount, as the real one's layout effect does; the import can be held back
// or made to fail.
const control = vi.hoisted(() => ({ fail: 0, gate: null as Promise<void> | null, sent: [] as string[] }));
const fakeEngine = vi.hoisted(() => async () => {
  if (control.gate) await control.gate;
  if (control.fail > 0) {
    control.fail--;
    throw new Error("chunk failed");
  }
  const state: ChatEngineState = {
    messages: [],
    status: "ready",
    error: undefined,
    sendMessage: async (message) => {
      control.sent.push(String(message && "id" in message ? message.id : "?"));
    },
    regenerate: async () => {},
    stop: async () => {},
    setMessages: () => {},
  };
  return {
    // Like the real one, it reports when its state changes (here: once, on mount), not on every render.
    ChatEngine: ({ onChange }: ChatEngineProps) => {
      // eslint-disable-next-line react-hooks/exhaustive-deps
      useEffect(() => onChange(state), []);
      return null;
    },
  };
});
vi.mock("./chat-engine", fakeEngine);

let root: Root;
let loader: EngineLoader;

async function mountLoader() {
  const { useEngineLoader } = await import("./engine-loader");
  function Harness() {
    loader = useEngineLoader(true);
    const { Engine } = loader;
    return Engine ? (
      <Engine
        chatId="c"
        messages={[]}
        resume={false}
        throttle={50}
        onFinish={() => {}}
        onReconnect={() => {}}
        onChange={loader.onEngineChange}
      />
    ) : null;
  }
  root = createRoot(document.createElement("div"));
  await act(async () => root.render(<Harness />));
}

const tick = () => act(async () => new Promise((resolve) => setTimeout(resolve, 5)));
const question = (id: string) => ({ id, role: "user" as const, parts: [{ type: "text" as const, text: id }] });
const send = (id: string) => (engine: ChatEngineState) => void engine.sendMessage(question(id));

beforeEach(() => {
  vi.resetModules();
  control.fail = 0;
  control.gate = null;
  control.sent = [];
});
afterEach(() => act(() => root.unmount()));

describe("useEngineLoader", () => {
  it("sends a question asked before the engine arrived once it does, exactly once, then runs what waited on it", async () => {
    let open!: () => void;
    control.gate = new Promise((resolve) => (open = resolve));
    await mountLoader();
    const went: string[] = [];
    act(() => loader.withEngine(send("q1"), question("q1")));
    expect(loader.pending?.message?.id).toBe("q1");
    // New chat pressed meanwhile: it waits for the question to go out.
    expect(loader.after(() => went.push(`new chat after ${control.sent.join()}`))).toBe(true);
    expect(went).toEqual([]);
    open();
    for (let i = 0; i < 5; i++) await tick();
    expect(control.sent).toEqual(["q1"]);
    expect(went).toEqual(["new chat after q1"]);
    expect(loader.pending).toBeNull();
  });

  it("with the engine there, starts a question's request in a task after the press, not in it", async () => {
    await mountLoader();
    await tick();
    expect(loader.engine).not.toBeNull();
    act(() => loader.withEngine(send("q2"), question("q2")));
    expect(control.sent).toEqual([]);
    expect(loader.pending?.message?.id).toBe("q2");
    await tick();
    expect(control.sent).toEqual(["q2"]);
    expect(loader.pending).toBeNull();
  });

  it("sends nothing when the question is taken back (Stop) before it went out", async () => {
    await mountLoader();
    await tick();
    act(() => loader.withEngine(send("q3"), question("q3")));
    let taken: ReturnType<EngineLoader["cancel"]> = null;
    act(() => void (taken = loader.cancel()));
    expect(taken!.message?.id).toBe("q3");
    await tick();
    await tick();
    expect(control.sent).toEqual([]);
    expect(loader.after(() => {})).toBe(false);
  });

  it("keeps the question when the engine cannot be loaded, and sends it once when Retry loads it", async () => {
    // (A factory's module is kept once it loaded: this test's own, which fails once.)
    vi.doMock("./chat-engine", fakeEngine);
    control.fail = 1;
    let open!: () => void;
    control.gate = new Promise((resolve) => (open = resolve));
    await mountLoader();
    act(() => loader.withEngine(send("q4"), question("q4")));
    open();
    for (let i = 0; i < 5; i++) await tick();
    expect(loader.pending?.failed).toBe(true);
    expect(control.sent).toEqual([]);
    control.gate = null;
    act(() => loader.retry());
    for (let i = 0; i < 5; i++) await tick();
    expect(control.sent).toEqual(["q4"]);
    expect(loader.pending).toBeNull();
  });
});
