import "server-only";
import { createParser } from "eventsource-parser";
import { AppError } from "@/lib/errors";
import { serverEnv } from "@/lib/env";
import { mapHttpError, mapStreamErrorFrame, parseGatewayErrorBody } from "./error-map";
import { gatewayFetch } from "./http-fetch";
import { readRateInfo, type RateInfo } from "./rate-info";
import { retryDelayMs, type AttemptFailure } from "./retry";
import type { WireChatRequest, WireChunk } from "./wire";

// The one place that talks to the gateway: key, retries, error mapping, SSE decoding.
// Kept to a single reader loop with no stream transforms: every upstream event passes here.

export interface GatewayTarget {
  baseUrl: string;
  apiKey: string;
}

export interface OpenStreamOptions {
  signal: AbortSignal;
  target?: GatewayTarget;
  /** The transport; gatewayFetch (node:http with keep-alive, ./http-fetch.ts) by default. */
  fetchImpl?: typeof fetch;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  /** Called before each retry, e.g. so the UI can say it is still trying. */
  onRetry?: (info: { attempt: number; delayMs: number; failure: AttemptFailure }) => void;
  /** A stream silent for this long is treated as dropped. */
  idleTimeoutMs?: number;
  /**
   * How long one attempt may wait for the gateway's response headers. Then the request is cancelled
   * and the user told (gateway_timeout), not retried: they have waited long enough already.
   */
  firstByteTimeoutMs?: number;
}

/** Default wait for response headers: thinking models may take a while to start, not minutes. */
export const FIRST_BYTE_TIMEOUT_MS = 120_000;

export interface GatewayStream {
  rate: RateInfo;
  attempts: number;
  /**
   * Reads the SSE body to its end, calling onChunk for each chunk. Resolves at [DONE] or a clean
   * end; rejects with an AppError on an error frame, a dropped connection or a silent stall.
   * After the signal aborts it resolves quietly.
   */
  consume(onChunk: (chunk: WireChunk) => void): Promise<void>;
}

export function defaultTarget(): GatewayTarget {
  const env = serverEnv();
  return { baseUrl: env.baseUrl, apiKey: env.apiKey };
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export function isAbort(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (err instanceof Error && err.name === "AbortError");
}

/** Opens a streamed chat completion, retrying only what GATEWAY-NOTES.md allows before the first byte. */
export async function openChatStream(body: WireChatRequest, options: OpenStreamOptions): Promise<GatewayStream> {
  const target = options.target ?? defaultTarget();
  const doFetch = options.fetchImpl ?? gatewayFetch;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const payload = JSON.stringify({ ...body, stream: true });

  const firstByteMs = options.firstByteTimeoutMs ?? FIRST_BYTE_TIMEOUT_MS;

  for (let attempt = 1; ; attempt++) {
    let response: Response;
    // Cancels this attempt if no headers come in time; the timer is gone once they do, so the body
    // streams for as long as it streams (Stop still ends it through options.signal).
    const waited = new AbortController();
    const headersTimer = setTimeout(
      () => waited.abort(new DOMException("no response headers in time", "TimeoutError")),
      firstByteMs,
    );
    try {
      response = await doFetch(`${target.baseUrl}/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          "content-type": "application/json",
          accept: "text/event-stream",
        },
        body: payload,
        signal: AbortSignal.any([options.signal, waited.signal]),
      });
    } catch (err) {
      if (options.signal.aborted) throw err;
      if (waited.signal.aborted) {
        throw new AppError("gateway_timeout", { seconds: Math.round(firstByteMs / 1000) }, { cause: err });
      }
      if (isAbort(err, options.signal)) throw err;
      const failure: AttemptFailure = { kind: "network" };
      const delay = retryDelayMs(failure, attempt, now(), random);
      if (delay === null) throw new AppError("network_error", undefined, { cause: err });
      options.onRetry?.({ attempt, delayMs: delay, failure });
      await sleep(delay, options.signal);
      continue;
    } finally {
      clearTimeout(headersTimer);
    }

    const rate = readRateInfo(response.headers);
    if (response.ok && response.body) {
      return { rate, attempts: attempt, consume: (onChunk) => consumeSse(response, onChunk, options) };
    }

    const errorBody = parseGatewayErrorBody(await response.text().catch(() => ""));
    const failure: AttemptFailure = {
      kind: "http",
      status: response.status,
      code: errorBody.code,
      resetAtMs: rate.resetAtMs,
    };
    const delay = retryDelayMs(failure, attempt, now(), random);
    if (delay === null) throw mapHttpError(response.status, errorBody, rate, { model: body.model, attempts: attempt });
    options.onRetry?.({ attempt, delayMs: delay, failure });
    await sleep(delay, options.signal);
  }
}

async function consumeSse(
  response: Response,
  onChunk: (chunk: WireChunk) => void,
  options: OpenStreamOptions,
): Promise<void> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let finished = false;
  let failure: AppError | undefined;

  const parser = createParser({
    onEvent(event) {
      if (finished || failure) return;
      if (event.data === "[DONE]") {
        finished = true;
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(event.data);
      } catch {
        failure = new AppError("stream_interrupted", { detail: "malformed frame" });
        return;
      }
      if (value && typeof value === "object" && "error" in value && !("choices" in value)) {
        failure = mapStreamErrorFrame(parseGatewayErrorBody(event.data));
        return;
      }
      onChunk(value as WireChunk);
    },
  });

  // One idle timer per stream, not one per read: each read only notes the time, and the timer,
  // when it fires early, waits out the rest (re-arming a timer on every chunk costs on the hot path).
  const idleMs = options.idleTimeoutMs ?? 120_000;
  let lastReadAt = Date.now();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const checkIdle = () => {
    const quietFor = Date.now() - lastReadAt;
    if (quietFor < idleMs) {
      idleTimer = setTimeout(checkIdle, idleMs - quietFor);
      return;
    }
    timedOut = true;
    void reader.cancel().catch(() => {});
  };

  try {
    idleTimer = setTimeout(checkIdle, idleMs);
    while (!finished && !failure) {
      const { done, value } = await reader.read();
      if (done) break;
      lastReadAt = Date.now();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (err) {
    if (isAbort(err, options.signal)) return;
    throw new AppError("stream_interrupted", { detail: "connection lost" }, { cause: err });
  } finally {
    clearTimeout(idleTimer);
    // Release the socket at once when we stop early (error frame, [DONE] with trailing bytes).
    if (!options.signal.aborted) void reader.cancel().catch(() => {});
  }
  if (options.signal.aborted) return;
  if (failure) throw failure;
  if (timedOut) throw new AppError("stream_interrupted", { detail: "no data for too long" });
  if (!finished) throw new AppError("stream_interrupted", { detail: "connection closed early" });
}
