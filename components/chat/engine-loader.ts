"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import type * as ChatEngineModule from "./chat-engine";
import type { ChatEngineState } from "./chat-engine";

type EngineModule = typeof ChatEngineModule;
let engineModule: Promise<EngineModule> | undefined;

/**
 * The chat engine (useChat, its transport, Zod and the AI SDK's core: ~78 kB gzip) is not in the page's first
 * load: it is imported once the browser is idle after the first paint, or at once when the reader acts before then.
 * One import per page; a failed one (the network, a deploy that replaced the chunk) is tried again on the next call.
 */
export function loadChatEngine(): Promise<EngineModule> {
  engineModule ??= import("./chat-engine").catch((error: unknown) => {
    engineModule = undefined;
    throw error;
  });
  return engineModule;
}

/** After the first paint, when the browser has nothing else to do (at the latest after two seconds). */
export function whenIdle(run: () => void): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(run, { timeout: 2000 });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(run, 200);
  return () => window.clearTimeout(handle);
}

/**
 * An action the reader took before the engine arrived (a question, regenerate, edit, continue): it runs, once, as
 * soon as the engine is there. A question shows at once (with the id it is sent with), and the chat counts as busy
 * meanwhile; with the engine there, a question's request still starts in a task after the key press that sent it, so
 * that the press only shows the question and stays short.
 */
export interface PendingAction {
  run: (engine: ChatEngineState) => void;
  /** The question being sent, shown while it waits. */
  message?: ChatUIMessage;
  /** The engine could not be loaded: the question stays, with an error and Retry. */
  failed?: boolean;
  /** Runs right after the action (New chat pressed while the question waited: it is sent first, then the page goes). */
  then?: () => void;
}

export interface EngineLoader {
  /** The engine component once its module has loaded. */
  Engine: EngineModule["ChatEngine"] | null;
  /** What the mounted engine reports (null until it has mounted). */
  engine: ChatEngineState | null;
  pending: PendingAction | null;
  /** Runs an action now, or once the engine is there (loading it at once); a question in a task of its own. */
  withEngine: (run: PendingAction["run"], message?: ChatUIMessage) => void;
  /** For the engine's onChange: keeps its state and starts what waits for it. */
  onEngineChange: (next: ChatEngineState) => void;
  /** Loads the engine again after a failure; the waiting action runs when it arrives. */
  retry: () => void;
  /** Drops the waiting action (Stop before it ran) and returns it. */
  cancel: () => PendingAction | null;
  /** Adds something to do right after the waiting action runs; false when nothing waits (or its load failed). */
  after: (then: () => void) => boolean;
}

/** The lazily loaded engine and what the reader asked of it before it was there (see PendingAction). */
export function useEngineLoader(resume: boolean): EngineLoader {
  const [Engine, setEngine] = useState<EngineModule["ChatEngine"] | null>(null);
  const [engine, setEngineState] = useState<ChatEngineState | null>(null);
  const [pending, setPendingState] = useState<PendingAction | null>(null);
  // The action waiting now, read by timers and the engine's callbacks between renders.
  const current = useRef<PendingAction | null>(null);
  const setPending = useCallback((next: PendingAction | null) => {
    current.current = next;
    setPendingState(next);
  }, []);

  const start = useCallback(() => {
    loadChatEngine().then(
      (module) => setEngine(() => module.ChatEngine),
      () => {
        const waiting = current.current;
        if (waiting) setPending({ ...waiting, failed: true });
      },
    );
  }, [setPending]);
  // A reply still running is followed at once; otherwise the engine loads when the browser is idle.
  useEffect(() => {
    if (!resume) return whenIdle(start);
    start();
  }, [resume, start]);

  /** Runs the waiting action if it is still `action` (Stop or another action may have replaced it). */
  const runPending = useCallback(
    (action: PendingAction, state: ChatEngineState) => {
      if (current.current !== action || action.failed) return;
      setPending(null);
      action.run(state);
      action.then?.();
    },
    [setPending],
  );

  const latestEngine = useRef<ChatEngineState | null>(null);
  const withEngine: EngineLoader["withEngine"] = (run, message) => {
    const ready = latestEngine.current;
    // Regenerate, edit and continue change the conversation in place: they run at once.
    if (ready && !message) return run(ready);
    const action: PendingAction = { run, message };
    setPending(action);
    if (ready) {
      // A question's request starts in its own task: the press that sent it only shows the question.
      setTimeout(() => latestEngine.current && runPending(action, latestEngine.current), 0);
    } else {
      start();
    }
  };
  const onEngineChange = (next: ChatEngineState) => {
    latestEngine.current = next;
    setEngineState(next);
    // The engine's first state runs what the reader did meanwhile, once (React's strict mode runs a new component's
    // effects twice in development: runPending drops the action before running it).
    const waiting = current.current;
    if (waiting && !waiting.failed) runPending(waiting, next);
  };
  const retry = () => {
    const waiting = current.current;
    if (waiting) setPending({ ...waiting, failed: false });
    start();
  };
  const cancel = () => {
    const waiting = current.current;
    setPending(null);
    return waiting;
  };
  const after = (then: () => void) => {
    const waiting = current.current;
    if (!waiting || waiting.failed) return false;
    const previous = waiting.then;
    waiting.then = () => {
      previous?.();
      then();
    };
    return true;
  };
  return { Engine, engine, pending, withEngine, onEngineChange, retry, cancel, after };
}
