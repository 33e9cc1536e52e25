import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { FIRST_BYTE_TIMEOUT_MS, openChatStream, type OpenStreamOptions } from "./client";
import type { WireChatRequest, WireChunk } from "./wire";

// openChatStream against scripted Responses: a fake fetch that behaves like undici's (rejects
// with the signal's reason, errors the body when the signal aborts), an injected sleep and clock.

const TARGET = { baseUrl: "https://gw.test/v1", apiKey: "sk-byts-unit-test-key-0001" };
const NOW = 1_767_000_000_500;
const REQUEST: WireChatRequest = { model: "glm-5-1", messages: [{ role: "user", content: "你好" }] };

type Step = Response | Error | ((signal: AbortSignal) => Response | Promise<Response>);

function fakeFetch(steps: Step[]) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const impl = vi.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? new AbortController().signal;
    calls.push({ url: String(input), init: init ?? {} });
    if (signal.aborted) throw signal.reason;
    const step = steps.shift();
    if (!step) throw new Error(`unexpected fetch #${calls.length}`);
    if (step instanceof Error) throw step;
    return typeof step === "function" ? step(signal) : step;
  });
  return { impl: impl as unknown as typeof fetch, calls };
}

function recordingSleep() {
  const delays: number[] = [];
  const sleep = vi.fn(async (ms: number, signal: AbortSignal) => {
    delays.push(ms);
    if (signal.aborted) throw signal.reason;
  });
  return { sleep, delays };
}

function options(fetchImpl: typeof fetch, extra: Partial<OpenStreamOptions> = {}): OpenStreamOptions {
  return {
    signal: new AbortController().signal,
    target: TARGET,
    fetchImpl,
    sleep: recordingSleep().sleep,
    now: () => NOW,
    random: () => 0.5,
    ...extra,
  };
}

const chunk = (delta: WireChunk["choices"][number]["delta"], finish: string | null = null): WireChunk =>
  ({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "glm-5-1",
    choices: [{ index: 0, delta: { role: "assistant", ...delta }, finish_reason: finish }],
  }) as WireChunk;
const frame = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;
const DONE = "data: [DONE]\n\n";

interface BodyScript {
  /** Byte pieces sent one per read. */
  pieces: Uint8Array[];
  /** What happens after the last piece: close (default), hang until aborted, or fail like a reset socket. */
  end?: "close" | "hang" | "reset";
}

/** Splits a text into byte pieces of `size`, cutting frames and multi-byte characters anywhere. */
function split(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.slice(i, i + size));
  return pieces;
}

function sseResponse(
  script: BodyScript,
  init: { status?: number; headers?: Record<string, string> } = {},
): (signal: AbortSignal) => Response {
  return (signal) => {
    let i = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal.addEventListener("abort", () => {
          if (!cancelled) controller.error(signal.reason);
        });
      },
      pull(controller) {
        const piece = script.pieces[i++];
        if (piece) return controller.enqueue(piece);
        if ((script.end ?? "close") === "close") return controller.close();
        if (script.end === "reset") return controller.error(new TypeError("terminated"));
        return new Promise<void>(() => {}); // hang: only an abort or cancel ends it
      },
      cancel() {
        cancelled = true;
      },
    });
    return new Response(body, {
      status: init.status ?? 200,
      headers: { "content-type": "text/event-stream", ...init.headers },
    });
  };
}

const okStream = (text = "你好，世界") =>
  sseResponse({ pieces: split(frame(chunk({ content: text })) + frame(chunk({}, "stop")) + DONE, 1000) });

function httpError(status: number, body: unknown = {}, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
const gatewayError = (code: string, message = "m") => ({ error: { type: "error", code, message } });

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function collect(stream: { consume(onChunk: (c: WireChunk) => void): Promise<void> }) {
  const chunks: WireChunk[] = [];
  const result = stream.consume((c) => chunks.push(c));
  return { chunks, result };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("openChatStream: the request", () => {
  it("posts to {baseUrl}/chat/completions with the target key and stream: true", async () => {
    const { impl, calls } = fakeFetch([okStream()]);
    await openChatStream({ ...REQUEST, stream: false, max_tokens: 64 }, options(impl));
    expect(calls).toHaveLength(1);
    const [{ url, init }] = calls as [{ url: string; init: RequestInit }];
    expect(url).toBe("https://gw.test/v1/chat/completions");
    expect(init.method).toBe("POST");
    const headers = new Headers(init.headers);
    expect(headers.get("authorization")).toBe("Bearer sk-byts-unit-test-key-0001");
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("accept")).toBe("text/event-stream");
    expect(JSON.parse(String(init.body))).toEqual({ ...REQUEST, stream: true, max_tokens: 64 });
  });

  it("gives fetch a signal that follows the caller's", async () => {
    const controller = new AbortController();
    const { impl, calls } = fakeFetch([okStream()]);
    await openChatStream(REQUEST, options(impl, { signal: controller.signal }));
    expect(calls[0]?.init.signal?.aborted).toBe(false);
    controller.abort(new DOMException("stopped by user", "AbortError"));
    expect(calls[0]?.init.signal?.aborted).toBe(true);
  });

  it("reads the rate headers of the accepted response", async () => {
    const { impl } = fakeFetch([
      sseResponse(
        { pieces: split(DONE, 100) },
        {
          headers: {
            "X-RateLimit-Limit": "10",
            "X-RateLimit-Remaining": "7.5",
            "X-RateLimit-Reset": "1767000060",
            "X-Quota-Remaining-Credits": "42.25",
            "X-Org-Quota-Remaining-Credits": "",
          },
        },
      ),
    ]);
    const stream = await openChatStream(REQUEST, options(impl));
    expect(stream.rate).toEqual({ limit: 10, remaining: 7.5, resetAtMs: 1_767_000_060_000, keyCredits: 42.25 });
    expect(stream.attempts).toBe(1);
  });
});

describe("openChatStream: retries before the first byte", () => {
  it.each([500, 502, 503, 504])(
    "tries %i four times with 1 s, 2 s, 4 s between, then upstream_unavailable",
    async (status) => {
      const { impl, calls } = fakeFetch([1, 2, 3, 4].map(() => httpError(status, gatewayError("server_error"))));
      const { sleep, delays } = recordingSleep();
      const onRetry = vi.fn();
      const error = await rejection(openChatStream(REQUEST, options(impl, { sleep, onRetry })));
      expect(error.code).toBe("upstream_unavailable");
      expect(error.params).toEqual({ attempts: 4 });
      expect(calls).toHaveLength(4);
      expect(delays).toEqual([1000, 2000, 4000]);
      expect(onRetry.mock.calls.map(([info]) => [info.attempt, info.delayMs])).toEqual([
        [1, 1000],
        [2, 2000],
        [3, 4000],
      ]);
    },
  );

  it("succeeds on a later attempt and reports how many it took", async () => {
    const { impl, calls } = fakeFetch([httpError(503), httpError(502, "<html>bad gateway</html>"), okStream()]);
    const { sleep, delays } = recordingSleep();
    const stream = await openChatStream(REQUEST, options(impl, { sleep }));
    expect(stream.attempts).toBe(3);
    expect(calls).toHaveLength(3);
    expect(delays).toEqual([1000, 2000]);
    const { chunks, result } = await collect(stream);
    await result;
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("你好，世界");
  });

  it("retries a network failure (TypeError from fetch), then gives network_error", async () => {
    const { impl, calls } = fakeFetch([1, 2, 3, 4].map(() => new TypeError("fetch failed")));
    const { sleep, delays } = recordingSleep();
    const error = await rejection(openChatStream(REQUEST, options(impl, { sleep })));
    expect(error.code).toBe("network_error");
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(calls).toHaveLength(4);
    expect(delays).toEqual([1000, 2000, 4000]);
  });

  it("recovers from one network failure", async () => {
    const { impl } = fakeFetch([new TypeError("fetch failed"), okStream()]);
    const stream = await openChatStream(REQUEST, options(impl));
    expect(stream.attempts).toBe(2);
  });

  it("keeps to the schedule with real timers faked: nothing is sent before each backoff ends", async () => {
    vi.useFakeTimers();
    const { impl, calls } = fakeFetch([httpError(503), httpError(503), httpError(503), okStream()]);
    // The default sleep (abortableSleep) on fake timers.
    const promise = openChatStream(REQUEST, { signal: new AbortController().signal, target: TARGET, fetchImpl: impl });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(3999);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(4);
    expect((await promise).attempts).toBe(4);
  });

  describe("429", () => {
    it("waits exactly until X-RateLimit-Reset when it is at most 10 s away", async () => {
      const resetSeconds = Math.floor(NOW / 1000) + 5; // 4.5 s after NOW
      const { impl, calls } = fakeFetch([
        httpError(429, gatewayError("rate_limit_error"), { "X-RateLimit-Reset": String(resetSeconds) }),
        okStream(),
      ]);
      const { sleep, delays } = recordingSleep();
      const stream = await openChatStream(REQUEST, options(impl, { sleep }));
      expect(delays).toEqual([resetSeconds * 1000 - NOW]);
      expect(delays).toEqual([4500]);
      expect(calls).toHaveLength(2);
      expect(stream.attempts).toBe(2);
    });

    it("fails at once with rate_limited and the reset time when the reset is far", async () => {
      const resetMs = Date.UTC(2026, 0, 1, 1, 7); // 09:07 in Shanghai
      const now = resetMs - 3_600_000;
      const { impl, calls } = fakeFetch([
        httpError(429, gatewayError("rate_limit_error", "5h spend limit reached"), {
          "X-RateLimit-Reset": String(resetMs / 1000),
        }),
      ]);
      const { sleep, delays } = recordingSleep();
      const error = await rejection(openChatStream(REQUEST, options(impl, { sleep, now: () => now })));
      expect(error.code).toBe("rate_limited");
      expect(error.params).toEqual({ resetAt: "09:07", resetAtMs: resetMs });
      expect(calls).toHaveLength(1);
      expect(delays).toEqual([]);
    });

    it("fails at once when the reset is 10.001 s away", async () => {
      const { impl, calls } = fakeFetch([
        httpError(429, gatewayError("rate_limit_error"), { "X-RateLimit-Reset": String((NOW + 10_500) / 1000) }),
      ]);
      const error = await rejection(openChatStream(REQUEST, options(impl, { now: () => NOW + 499 })));
      expect(error.code).toBe("rate_limited");
      expect(calls).toHaveLength(1);
    });

    it("retries concurrency_limit after a 1–3 s jitter", async () => {
      const randoms = [0, 0.5, 0.9999];
      const { impl, calls } = fakeFetch([
        httpError(429, gatewayError("concurrency_limit")),
        httpError(429, gatewayError("concurrency_limit")),
        httpError(429, gatewayError("concurrency_limit")),
        okStream(),
      ]);
      const { sleep, delays } = recordingSleep();
      const stream = await openChatStream(REQUEST, options(impl, { sleep, random: () => randoms.shift() ?? 0 }));
      expect(delays).toEqual([1000, 2000, 2999]);
      for (const d of delays) expect(d >= 1000 && d <= 3000).toBe(true);
      expect(calls).toHaveLength(4);
      expect(stream.attempts).toBe(4);
    });

    it("gives concurrency_limited after four busy answers", async () => {
      const { impl, calls } = fakeFetch([1, 2, 3, 4].map(() => httpError(429, gatewayError("concurrency_limit"))));
      const error = await rejection(openChatStream(REQUEST, options(impl)));
      expect(error.code).toBe("concurrency_limited");
      expect(calls).toHaveLength(4);
    });

    it("never retries Zhipu's 1113 (arrears): insufficient_balance", async () => {
      const { impl, calls } = fakeFetch([
        httpError(
          429,
          { error: { code: "1113", message: "您的账户已欠费" } },
          { "X-RateLimit-Reset": String(NOW / 1000) },
        ),
      ]);
      const { sleep, delays } = recordingSleep();
      const error = await rejection(openChatStream(REQUEST, options(impl, { sleep })));
      expect(error.code).toBe("insufficient_balance");
      expect(calls).toHaveLength(1);
      expect(delays).toEqual([]);
    });
  });

  it.each([
    [400, gatewayError("invalid_param", "bad temperature"), "invalid_request"],
    [400, gatewayError("model_not_found"), "model_not_found"],
    [400, gatewayError("context_length_exceeded"), "context_length_exceeded"],
    [400, { error: { code: "1301", message: "系统检测到输入或生成内容可能包含不安全或敏感内容" } }, "content_filtered"],
    [400, { error: { code: "1261", message: "Prompt 超长" } }, "context_length_exceeded"],
    [401, gatewayError("invalid_api_key"), "invalid_api_key"],
    [402, gatewayError("insufficient_balance"), "insufficient_balance"],
    [402, gatewayError("quota_exceeded"), "quota_exceeded"],
    [403, gatewayError("permission_denied"), "permission_denied"],
    [403, gatewayError("model_not_in_group"), "model_not_in_group"],
    [413, {}, "payload_too_large"],
    [422, gatewayError("invalid_param"), "invalid_request"],
  ] as const)("never retries %i %j → %s", async (status, body, code) => {
    const { impl, calls } = fakeFetch([httpError(status, body)]);
    const { sleep, delays } = recordingSleep();
    const error = await rejection(openChatStream(REQUEST, options(impl, { sleep })));
    expect(error.code).toBe(code);
    expect(calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });
});

describe("openChatStream: abort", () => {
  it("stops during a backoff sleep without another attempt", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const { impl, calls } = fakeFetch([httpError(503), okStream()]);
    const promise = openChatStream(REQUEST, { signal: controller.signal, target: TARGET, fetchImpl: impl });
    const settled = promise.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toHaveLength(1);
    controller.abort(new DOMException("stopped by user", "AbortError"));
    const error = await settled;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(calls[0]?.init.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not retry a fetch that the abort cut", async () => {
    const controller = new AbortController();
    const { impl, calls } = fakeFetch([
      (signal) => new Promise<Response>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    ]);
    const { sleep, delays } = recordingSleep();
    const promise = openChatStream(REQUEST, options(impl, { signal: controller.signal, sleep }));
    await Promise.resolve();
    controller.abort(new DOMException("stopped", "AbortError"));
    await expect(promise).rejects.toMatchObject({ name: "AbortError" });
    expect(calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("resolves consume quietly when aborted mid-stream, keeps what arrived, and aborts the fetch signal", async () => {
    const controller = new AbortController();
    const { impl, calls } = fakeFetch([
      sseResponse({ pieces: split(frame(chunk({ content: "部分" })), 1000), end: "hang" }),
    ]);
    const stream = await openChatStream(REQUEST, options(impl, { signal: controller.signal }));
    const chunks: WireChunk[] = [];
    const result = stream.consume((c) => {
      chunks.push(c);
      // The user presses Stop right after the first chunk.
      queueMicrotask(() => controller.abort(new DOMException("stopped by user", "AbortError")));
    });
    await expect(result).resolves.toBeUndefined();
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(["部分"]);
    expect(calls[0]?.init.signal?.aborted).toBe(true);
  });
});

describe("openChatStream: a gateway that sends no headers", () => {
  const hanging = (signal: AbortSignal) =>
    new Promise<Response>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));

  it("gives up after firstByteTimeoutMs with gateway_timeout, cancels the request and does not retry", async () => {
    vi.useFakeTimers();
    const { impl, calls } = fakeFetch([hanging, okStream()]);
    const { sleep, delays } = recordingSleep();
    const settled = openChatStream(REQUEST, options(impl, { firstByteTimeoutMs: 90_000, sleep })).catch(
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(89_999);
    expect(calls[0]?.init.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await settled;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "gateway_timeout", params: { seconds: 90 } });
    expect((error as AppError).message).not.toMatch(/sk-byts/);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.init.signal?.aborted).toBe(true);
    expect(delays).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("waits two minutes by default, and the timer ends with the headers: a slow body is not cut by it", async () => {
    vi.useFakeTimers();
    const { impl, calls } = fakeFetch([
      sseResponse({ pieces: split(frame(chunk({ content: "慢" })), 1000), end: "hang" }),
    ]);
    const stream = await openChatStream(REQUEST, options(impl, { idleTimeoutMs: 600_000 }));
    const { chunks } = await collect(stream);
    await vi.advanceTimersByTimeAsync(FIRST_BYTE_TIMEOUT_MS * 2);
    expect(FIRST_BYTE_TIMEOUT_MS).toBe(120_000);
    expect(calls[0]?.init.signal?.aborted).toBe(false);
    expect(chunks).toHaveLength(1);
  });

  it("Stop while waiting for headers is an abort, not a timeout", async () => {
    const controller = new AbortController();
    const { impl } = fakeFetch([hanging]);
    const promise = openChatStream(REQUEST, options(impl, { signal: controller.signal, firstByteTimeoutMs: 60_000 }));
    await Promise.resolve();
    controller.abort(new DOMException("stopped by user", "AbortError"));
    await expect(promise).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("openChatStream: after a 200 (never retried)", () => {
  it("delivers every chunk of a body split mid-frame and mid-character, and ends at [DONE]", async () => {
    const text =
      frame(chunk({ reasoning_content: "先想一想" })) +
      frame(chunk({ content: "你好" })) +
      frame(chunk({ content: "，世界！" })) +
      frame({
        ...chunk({}, "stop"),
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8, prompt_tokens_details: { cached_tokens: 2 } },
      }) +
      DONE +
      frame(chunk({ content: "ignored after [DONE]" }));
    for (const size of [1, 3, 7, 64]) {
      const { impl } = fakeFetch([sseResponse({ pieces: split(text, size) })]);
      const stream = await openChatStream(REQUEST, options(impl));
      const { chunks, result } = await collect(stream);
      await result;
      expect(chunks).toHaveLength(4);
      expect(chunks[0]?.choices[0]?.delta.reasoning_content).toBe("先想一想");
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("你好，世界！");
      expect(chunks[3]?.choices[0]?.finish_reason).toBe("stop");
      expect(chunks[3]?.usage?.prompt_tokens_details?.cached_tokens).toBe(2);
    }
  });

  it("ignores SSE comments and keep-alives", async () => {
    const { impl } = fakeFetch([
      sseResponse({ pieces: split(": keep-alive\n\n" + frame(chunk({ content: "a" })) + ": ping\n\n" + DONE, 5) }),
    ]);
    const { chunks, result } = await collect(await openChatStream(REQUEST, options(impl)));
    await result;
    expect(chunks).toHaveLength(1);
  });

  it("rejects with stream_interrupted on an error frame, after delivering the chunks before it", async () => {
    const { impl, calls } = fakeFetch([
      sseResponse({
        pieces: split(
          frame(chunk({ content: "前半" })) +
            frame(chunk({ content: "段" })) +
            frame({ error: { type: "server_error", code: "internal_error", message: "upstream reset" } }) +
            frame(chunk({ content: "never" })),
          9,
        ),
      }),
    ]);
    const { sleep, delays } = recordingSleep();
    const stream = await openChatStream(REQUEST, options(impl, { sleep }));
    const { chunks, result } = await collect(stream);
    const error = await rejection(result);
    expect(error.code).toBe("stream_interrupted");
    expect(error.params).toEqual({ detail: "upstream reset" });
    expect(chunks.map((c) => c.choices[0]?.delta.content).join("")).toBe("前半段");
    expect(calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("rejects with content_filtered on a 1301 error frame", async () => {
    const { impl } = fakeFetch([
      sseResponse({
        pieces: split(
          frame(chunk({ content: "好的，" })) + frame({ error: { code: "1301", message: "系统检测到…敏感内容" } }),
          1000,
        ),
      }),
    ]);
    const { chunks, result } = await collect(await openChatStream(REQUEST, options(impl)));
    expect((await rejection(result)).code).toBe("content_filtered");
    expect(chunks).toHaveLength(1);
  });

  it("rejects with stream_interrupted when the body ends without [DONE]", async () => {
    const { impl, calls } = fakeFetch([sseResponse({ pieces: split(frame(chunk({ content: "半" })), 1000) })]);
    const { chunks, result } = await collect(await openChatStream(REQUEST, options(impl)));
    const error = await rejection(result);
    expect(error.code).toBe("stream_interrupted");
    expect(error.params).toEqual({ detail: "connection closed early" });
    expect(chunks).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it("rejects with stream_interrupted when the connection drops mid-body", async () => {
    const { impl } = fakeFetch([sseResponse({ pieces: split(frame(chunk({ content: "半" })), 1000), end: "reset" })]);
    const { chunks, result } = await collect(await openChatStream(REQUEST, options(impl)));
    const error = await rejection(result);
    expect(error.code).toBe("stream_interrupted");
    expect(error.params).toEqual({ detail: "connection lost" });
    expect(chunks).toHaveLength(1);
  });

  it("rejects with stream_interrupted on a malformed frame", async () => {
    const { impl } = fakeFetch([sseResponse({ pieces: split("data: {not json\n\n" + DONE, 1000) })]);
    const { result } = await collect(await openChatStream(REQUEST, options(impl)));
    expect((await rejection(result)).params).toEqual({ detail: "malformed frame" });
  });

  it("treats a stream silent for idleTimeoutMs as dropped", async () => {
    vi.useFakeTimers();
    const { impl } = fakeFetch([sseResponse({ pieces: split(frame(chunk({ content: "a" })), 1000), end: "hang" })]);
    const stream = await openChatStream(REQUEST, options(impl, { idleTimeoutMs: 5_000 }));
    const { chunks, result } = await collect(stream);
    const settled = result.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(chunks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await settled;
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).params).toEqual({ detail: "no data for too long" });
  });
});
