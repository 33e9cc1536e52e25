// Plays a planned SSE stream with drift-free setTimeout pacing; frames are built from string templates to stay cheap.
import type { ServerResponse } from "node:http";
import type { WireCompletion, WireFinishReason, WireToolCall, WireUsage } from "../gateway/wire";

export type IndexedToolCall = WireToolCall & { index: number };

/** Every step waits `delay` ms after the previous one; "chunk" steps are the countable frames. */
export type Step =
  | { type: "delta"; delay: number; reasoning?: string; content?: string; toolCalls?: IndexedToolCall[] }
  | { type: "finish"; delay: number; finishReason: WireFinishReason; usage: WireUsage | null }
  | { type: "usage"; delay: number; usage: WireUsage }
  | { type: "error"; delay: number; error: { type?: string; code?: string | null; message: string } }
  | { type: "drop"; delay: number }
  | { type: "done"; delay: number };

export interface StreamIdentity {
  id: string;
  model: string;
  created: number;
}

export interface PlayHooks {
  /** A chunk frame was handed to the socket (with dropAtByte, only frames written whole count). */
  onChunk(): void;
  /** "done" after [DONE], "error" after a terminal error frame, "drop" when we destroyed the socket. */
  onEnd(how: "done" | "error" | "drop"): void;
}

export function isChunkStep(s: Step): boolean {
  return s.type === "delta" || s.type === "finish" || s.type === "usage";
}

export interface PlayOptions {
  /**
   * Destroy the socket once exactly this many body bytes are written: the cut may fall inside a
   * frame or inside a multi-byte character. Past the body's end it never fires.
   */
  dropAtByte?: number;
}

export interface Playback {
  cancel(): void;
  /** Ends the wait for the next step now (a stall or a slow chunk), as if its delay had passed. */
  release(): void;
}

/** Starts writing steps to an SSE response whose headers are already sent. */
export function playStream(
  res: ServerResponse,
  ident: StreamIdentity,
  steps: Step[],
  hooks: PlayHooks,
  options: PlayOptions = {},
): Playback {
  const head = `{"id":"${ident.id}","object":"chat.completion.chunk","created":${ident.created},"model":${JSON.stringify(ident.model)},`;
  const deltaHead = `data: ${head}"choices":[{"index":0,"delta":{"role":"assistant"`;
  let i = 0;
  let due = performance.now();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const dropAt = options.dropAtByte === undefined ? undefined : Math.max(0, Math.floor(options.dropAtByte));
  let written = 0;
  // Chunk frames in the current write, counted once it is sent; with a byte cut, where each frame ends.
  let pendingChunks = 0;
  let pendingEnds: number[] = [];

  /** Destroys the socket after what was written reaches the client, as on a real broken connection. */
  const destroyAfter = (last: Buffer | string) => {
    stopped = true;
    hooks.onEnd("drop");
    const kill = () => res.destroy();
    const sock = res.socket;
    if (last.length > 0) res.write(last, kill);
    else if (sock && sock.writableLength > 0) sock.once("drain", kill);
    else kill();
  };

  /**
   * Writes `text`, then ends the response or destroys the socket; false when the socket is going down
   * (asked for, or the byte cut fell inside `text`).
   */
  const send = (text: string, then: "write" | "end" | "drop"): boolean => {
    const count = pendingChunks;
    const ends = pendingEnds;
    pendingChunks = 0;
    pendingEnds = [];
    let out: string | Buffer = text;
    if (dropAt !== undefined) {
      const bytes = Buffer.from(text, "utf8");
      if (written + bytes.length >= dropAt && !(then === "write" && bytes.length === 0)) {
        const keep = dropAt - written;
        written = dropAt;
        // Only the chunk frames that fit whole before the cut count as sent.
        for (const frameEnd of ends) if (frameEnd <= keep) hooks.onChunk();
        destroyAfter(bytes.subarray(0, keep));
        return false;
      }
      written += bytes.length;
      out = bytes;
    }
    for (let n = 0; n < count; n++) hooks.onChunk();
    if (then === "end") res.end(out);
    else if (then === "drop") destroyAfter(out);
    else if (out.length > 0) res.write(out);
    return then !== "drop";
  };

  const frame = (s: Step): string => {
    switch (s.type) {
      case "delta": {
        let d = deltaHead;
        if (s.reasoning !== undefined) d += `,"reasoning_content":${JSON.stringify(s.reasoning)}`;
        if (s.content !== undefined) d += `,"content":${JSON.stringify(s.content)}`;
        if (s.toolCalls) d += `,"tool_calls":${JSON.stringify(s.toolCalls)}`;
        return `${d}},"finish_reason":null}]}\n\n`;
      }
      case "finish":
        return `${deltaHead},"content":""},"finish_reason":"${s.finishReason}"}]${s.usage ? `,"usage":${JSON.stringify(s.usage)}` : ""}}\n\n`;
      case "usage":
        return `data: ${head}"choices":[],"usage":${JSON.stringify(s.usage)}}\n\n`;
      case "error":
        return `data: ${JSON.stringify({ error: s.error })}\n\n`;
      default:
        return "";
    }
  };

  const tick = () => {
    timer = null;
    if (stopped) return;
    const now = performance.now();
    let buf = "";
    // Send every step that is due now in one write, so high token rates do not need one timer per chunk.
    while (i < steps.length) {
      const s = steps[i];
      if (!s) break;
      if (due + s.delay > now + 0.5) break;
      due += s.delay;
      i++;
      if (s.type === "drop") {
        // What was "sent" reaches the client first (unless a byte cut comes sooner), then the socket dies.
        send(buf, "drop");
        return;
      }
      if (s.type === "done") {
        if (send(`${buf}data: [DONE]\n\n`, "end")) {
          stopped = true;
          hooks.onEnd("done");
        }
        return;
      }
      buf += frame(s);
      if (s.type === "error") {
        if (send(buf, "end")) {
          stopped = true;
          hooks.onEnd("error");
        }
        return;
      }
      pendingChunks++;
      if (dropAt !== undefined) pendingEnds.push(Buffer.byteLength(buf));
    }
    if (buf && !send(buf, "write")) return;
    const next = steps[i];
    if (next) timer = setTimeout(tick, Math.max(0, due + next.delay - performance.now()));
  };

  tick();

  return {
    cancel: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    release: () => {
      const next = steps[i];
      if (stopped || !timer || !next) return;
      clearTimeout(timer);
      due = performance.now() - next.delay;
      tick();
    },
  };
}

/** Folds a plan into one `chat.completion` body for `stream:false` requests. */
export function foldCompletion(ident: StreamIdentity, steps: Step[], fallbackUsage: WireUsage): WireCompletion {
  let reasoning = "";
  let content = "";
  const calls: WireToolCall[] = [];
  let finishReason: WireFinishReason = "stop";
  let usage: WireUsage | null = null;
  for (const s of steps) {
    if (s.type === "delta") {
      reasoning += s.reasoning ?? "";
      content += s.content ?? "";
      for (const c of s.toolCalls ?? []) calls.push({ id: c.id, type: c.type, function: c.function });
    } else if (s.type === "finish") {
      finishReason = s.finishReason;
      usage = s.usage ?? usage;
    } else if (s.type === "usage") usage = s.usage;
  }
  const message: WireCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: calls.length && !content ? null : content,
  };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length) message.tool_calls = calls;
  return {
    id: ident.id,
    object: "chat.completion",
    created: ident.created,
    model: ident.model,
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage: usage ?? fallbackUsage,
  };
}

export function totalDelay(steps: Step[]): number {
  return steps.reduce((a, s) => a + s.delay, 0);
}
