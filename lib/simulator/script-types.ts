// The simulator's control-API contract, importable by tests anywhere in the repo (types only, no runtime).
import type { WireFinishReason, WireToolCall, WireUsage } from "../gateway/wire";

/** One exact chunk of a scripted stream; each becomes one `chat.completion.chunk` frame. */
export interface ScriptedChunk {
  reasoning?: string;
  content?: string;
  /** Whole calls in one delta; `index` defaults to the call's position across the whole stream. */
  toolCalls?: WireToolCall[];
  /** Wait this long before sending the chunk (overrides chunkDelayMs). */
  delayMs?: number;
}

export interface ScriptedErrorFrame {
  code?: string;
  message: string;
  type?: string;
}

/**
 * A 200 answer. For `stream:true` requests it is an SSE stream; for `stream:false` the same
 * reasoning/content/tool calls are folded into one `chat.completion` body after the summed delays
 * (there `errorFrameAfter` becomes an HTTP 500 with the error body and `dropAfter` destroys the socket).
 * "Chunk" counters below count every `chat.completion.chunk` frame sent (reasoning, content,
 * tool calls, the finish chunk and a separate usage chunk alike), never `[DONE]`.
 */
export interface ScriptedStream {
  kind: "stream";
  /** Auto-split into small reasoning_content chunks, sent before any content. */
  reasoning?: string;
  /** Auto-split into small content chunks. */
  text?: string;
  /** Exact chunks, sent after the auto-split `reasoning` and `text` if those are also given. */
  chunks?: ScriptedChunk[];
  /** Delay between chunks; default paces at the simulator's tokensPerSecond. */
  chunkDelayMs?: number;
  /** Delay before the status line and headers (time to first byte). */
  firstByteDelayMs?: number;
  /** Default: "tool_calls" when any chunk has toolCalls, else "stop". */
  finishReason?: WireFinishReason;
  /** Merged over the estimated usage. */
  usage?: Partial<WireUsage>;
  /** Extra or overriding response headers. */
  headers?: Record<string, string>;
  /** Send this many delta chunks, then a terminal `data: {"error":{…}}` frame, then close (no [DONE]). */
  errorFrameAfter?: number;
  errorFrame?: ScriptedErrorFrame;
  /** Destroy the socket after this many chunks (no finish chunk beyond that point, no [DONE]). */
  dropAfter?: number;
  /**
   * Destroy the socket once exactly this many bytes of the SSE body are written, wherever that falls:
   * inside a frame, even inside a multi-byte character (the connection dropped at a random byte).
   * A value past the body's end never fires. For `stream:false` it drops like `dropAfter`.
   */
  dropAtByte?: number;
  /** Pause for stallMs (default 5000) after this many chunks, then carry on. */
  stallAfter?: number;
  stallMs?: number;
  /** Final chunk carries finish_reason but no usage. */
  omitUsage?: boolean;
  /** Usage goes in a trailing chunk with `choices: []` after the finish chunk. */
  usageInSeparateChunk?: boolean;
}

/** A non-200 answer; `body` (any JSON) wins over the gateway error shape built from code/message/type. */
export interface ScriptedHttpError {
  kind: "http-error";
  status: number;
  body?: unknown;
  code?: string;
  message?: string;
  type?: string;
  headers?: Record<string, string>;
}

/** A fixed message content (e.g. a JSON string for JSON-mode tests), streamed or not per the request. */
export interface ScriptedJson {
  kind: "json";
  content: string;
}

/** Destroy the socket before any byte is written (a network failure). */
export interface ScriptedDrop {
  kind: "drop";
}

/** `times` repeats the entry (default 1), e.g. three 503s in a row. */
export type ScriptedResponse = (ScriptedStream | ScriptedHttpError | ScriptedJson | ScriptedDrop) & {
  times?: number;
};

/** Body of `POST /__control/script`: appended to the FIFO queue. */
export interface ScriptRequest {
  responses: ScriptedResponse[];
}

/** One logged `/v1` request, as returned by `GET /__control/requests`. */
export interface RecordedRequest {
  id: number;
  /** Unix milliseconds when the request arrived. */
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, the raw text when it was not JSON, null when empty; large old bodies are evicted. */
  body: unknown;
  /** 0 when the socket was dropped before a status line. */
  status: number;
  /** The client closed the connection before the response ended (e.g. the user pressed Stop). */
  closedEarly: boolean;
  /** The server ended the response as planned (a terminal error frame counts; a drop does not). */
  completed: boolean;
  chunksSent: number;
  /** "demo", "drop", "http-error", "json", "stream", or null when the request failed before scripting. */
  scripted: ScriptedResponse["kind"] | "demo" | null;
  /** True when this entry's body was replaced to cap memory. */
  bodyEvicted?: boolean;
}

export interface RecordedRequestsResponse {
  requests: RecordedRequest[];
}
