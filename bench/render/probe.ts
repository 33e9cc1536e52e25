// In-page probe, bundled to an IIFE and injected with addInitScript before any page script runs.
// It records, on the page's performance.now() clock:
// - long animation frames (PerformanceObserver "long-animation-frame", buffered);
// - when the /api/chat response ends, as the page sees it (fetch is wrapped; the body is re-streamed chunk by chunk;
//   when bytes reach the page's socket is timed outside the page, at the loopback front door);
// - when the assistant message's rendered content changes on screen (MutationObserver → next frame → after paint);
// - after the stream ends, the content's text at each change, to find when the final text appeared.
// It never reads the DOM's text while bytes are arriving, so it adds almost nothing to the measured script time.

export interface LoafRecord {
  start: number;
  duration: number;
  blocking: number;
  /** For frames blocking > 50 ms: the scripts that ran in them, longest first (LoAF script attribution). */
  scripts?: Array<{ invoker: string; source: string; fn: string; duration: number }>;
}

interface LoafScript {
  invoker?: string;
  sourceURL?: string;
  sourceFunctionName?: string;
  sourceCharPosition?: number;
  duration: number;
}

export interface ProbeResult {
  sendAt: number;
  firstByteAt: number | null;
  /** The last chunk of the response body (any kind) and the reader's end. */
  lastByteAt: number | null;
  streamEndAt: number | null;
  /** Frames (after paint, approximately) in which the assistant content had changed. */
  frames: number[];
  /** After the stream ended: the content's text at the end and at every later change. */
  after: Array<{ t: number; len: number; text: string }>;
  loaf: LoafRecord[];
  responseBytes: number;
}

export interface ProbeApi {
  /** Clears everything recorded so far and marks the moment the prompt is sent. */
  mark(): void;
  result(): ProbeResult;
  /** The assistant message's content element (the renderer's output plus any status UI inside it). */
  content(): Element | null;
  lastChangeAt(): number;
}

declare global {
  interface Window {
    __renderBench: ProbeApi;
  }
}

const CONTENT_SELECTOR = '[data-testid="message"][data-role="assistant"]';

(() => {
  const state: ProbeResult = {
    sendAt: 0,
    firstByteAt: null,
    lastByteAt: null,
    streamEndAt: null,
    frames: [],
    after: [],
    loaf: [],
    responseBytes: 0,
  };
  let lastChange = 0;

  // Long animation frames: buffered, so none are lost before the observer's first callback.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const entry = e as PerformanceEntry & { blockingDuration?: number; scripts?: LoafScript[] };
        const record: LoafRecord = {
          start: entry.startTime,
          duration: entry.duration,
          blocking: entry.blockingDuration ?? 0,
        };
        if (record.blocking > 50 && entry.scripts) {
          record.scripts = entry.scripts
            .map((x) => ({
              invoker: x.invoker ?? "",
              source: `${x.sourceURL ?? ""}:${x.sourceCharPosition ?? -1}`,
              fn: x.sourceFunctionName ?? "",
              duration: x.duration,
            }))
            .sort((a, b) => b.duration - a.duration)
            .slice(0, 5);
        }
        state.loaf.push(record);
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch {
    // Unsupported browser: the harness reports LoAF as unavailable.
  }

  // The assistant message's content element: the first element child of the last assistant <article>.
  let content: Element | null = null;
  const findContent = (): Element | null => {
    if (content?.isConnected) return content;
    const all = document.querySelectorAll(CONTENT_SELECTOR);
    const article = all[all.length - 1];
    content = article?.firstElementChild ?? null;
    return content;
  };

  // Changes are batched per frame; the time recorded is just after that frame's rendering (a message posted from
  // requestAnimationFrame runs once style, layout and paint of the frame are done).
  const channel = new MessageChannel();
  let framePending = false;
  channel.port1.onmessage = () => {
    framePending = false;
    const t = performance.now();
    state.frames.push(t);
    lastChange = t;
    if (state.streamEndAt !== null) {
      const text = findContent()?.textContent ?? "";
      state.after.push({ t, len: text.length, text });
    }
  };
  const onChange = () => {
    if (framePending) return;
    framePending = true;
    requestAnimationFrame(() => channel.port2.postMessage(0));
  };
  const observer = new MutationObserver((records) => {
    const el = findContent();
    if (!el) return;
    for (const r of records) {
      if (el.contains(r.target) || r.target.contains(el)) {
        onChange();
        return;
      }
    }
  });
  const observe = () => observer.observe(document, { subtree: true, childList: true, characterData: true });
  observe();

  // fetch: re-stream the /api/chat body so every chunk's arrival is timed; the page reads it exactly as before.
  const realFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await realFetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!/\/api\/chat(\?|$)/.test(new URL(url, location.href).pathname) || !res.body) return res;
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        const t = performance.now();
        if (done) {
          state.streamEndAt = t;
          const text = findContent()?.textContent ?? "";
          state.after.push({ t, len: text.length, text });
          controller.close();
          return;
        }
        state.firstByteAt ??= t;
        state.lastByteAt = t;
        state.responseBytes += value.byteLength;
        controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  window.__renderBench = {
    mark() {
      state.sendAt = performance.now();
      state.firstByteAt = null;
      state.lastByteAt = null;
      state.streamEndAt = null;
      state.frames = [];
      state.after = [];
      state.responseBytes = 0;
    },
    result: () => state,
    content: findContent,
    lastChangeAt: () => lastChange,
  };
})();
