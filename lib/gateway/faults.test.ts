import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError, errorText } from "@/lib/errors";
import { createSimulator, type Simulator } from "@/lib/simulator/server";
import type { ScriptedResponse } from "@/lib/simulator/script-types";
import { rawBody, requests, waitForLast } from "@/lib/simulator/test-utils";
import { openChatStream, type OpenStreamOptions } from "./client";
import type { WireChatRequest, WireChunk } from "./wire";

// The gateway client against the simulator over real sockets (its own transport, http-fetch.ts; chunked SSE), one fault at a
// time: what is retried and how long it waits (GATEWAY-NOTES.md), which error the user gets, and
// exactly which chunks were delivered before a failure. Sleeps are recorded, not slept.

const REQUEST: WireChatRequest = { model: "glm-5-1", messages: [{ role: "user", content: "你好" }] };

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ tokensPerSecond: 0 });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await fetch(`${sim.url}/__control/reset`, { method: "POST" });
});

async function script(...responses: ScriptedResponse[]) {
  const res = await fetch(`${sim.url}/__control/script`, { method: "POST", body: JSON.stringify({ responses }) });
  expect(res.status).toBe(200);
}

function options(extra: Partial<OpenStreamOptions> = {}) {
  const delays: number[] = [];
  const opts: OpenStreamOptions = {
    signal: new AbortController().signal,
    target: { baseUrl: `${sim.url}/v1`, apiKey: "sk-byts-faults-test" },
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
    ...extra,
  };
  return { opts, delays };
}

/** Opens and reads the stream; the content delivered and the error it ended with, if any. */
async function run(extra: Partial<OpenStreamOptions> = {}) {
  const { opts, delays } = options(extra);
  let content = "";
  let attempts = 0;
  let error: unknown;
  try {
    const stream = await openChatStream(REQUEST, opts);
    attempts = stream.attempts;
    await stream.consume((chunk: WireChunk) => {
      content += chunk.choices[0]?.delta.content ?? "";
    });
  } catch (err) {
    error = err;
  }
  return { content, attempts, error, delays };
}

const chatStatuses = async () =>
  (await requests(sim.url)).filter((r) => r.path === "/v1/chat/completions").map((r) => r.status);

function appError(err: unknown): AppError {
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("5xx bursts", () => {
  it("retries 500, 502, 503 at 1 s, 2 s, 4 s and delivers the fourth attempt's stream", async () => {
    await script(
      { kind: "http-error", status: 500 },
      { kind: "http-error", status: 502 },
      { kind: "http-error", status: 503 },
      { kind: "stream", text: "终于好了" },
    );
    const got = await run();
    expect(got.error).toBeUndefined();
    expect(got).toMatchObject({ content: "终于好了", attempts: 4, delays: [1000, 2000, 4000] });
    expect(await chatStatuses()).toEqual([500, 502, 503, 200]);
  });

  it("gives up after four attempts with upstream_unavailable, whose text names the attempts", async () => {
    await script({ kind: "http-error", status: 503, times: 3 }, { kind: "http-error", status: 504 });
    const got = await run();
    const error = appError(got.error);
    expect(error.code).toBe("upstream_unavailable");
    expect(got.delays).toEqual([1000, 2000, 4000]);
    expect(await chatStatuses()).toEqual([503, 503, 503, 504]);
    expect(errorText(error.code, "zh-CN", error.params)).toBe("模型服务暂时不可用（已尝试 4 次），请稍后再试。");
    expect(errorText(error.code, "en", error.params)).toBe(
      "The model service is unavailable (tried 4 times). Try again in a moment.",
    );
  });

  it("a connection dropped before any byte counts as a 5xx: retried, then network_error", async () => {
    await script({ kind: "drop" }, { kind: "stream", text: "重连成功" });
    expect(await run()).toMatchObject({ content: "重连成功", attempts: 2, delays: [1000] });
    await script({ kind: "drop", times: 4 });
    expect(appError((await run()).error).code).toBe("network_error");
  });
});

describe("429", () => {
  it("waits out a reset 3 s away, once, then streams", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3;
    await script(
      { kind: "http-error", status: 429, code: "rate_limit_error", headers: { "X-RateLimit-Reset": String(reset) } },
      { kind: "stream", text: "限流之后" },
    );
    const got = await run();
    expect(got.content).toBe("限流之后");
    expect(got.delays).toHaveLength(1);
    expect(got.delays[0]).toBeGreaterThan(0);
    expect(got.delays[0]).toBeLessThanOrEqual(3000);
  });

  it("does not wait for a reset an hour away: rate_limited with the time in Shanghai", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    await script({
      kind: "http-error",
      status: 429,
      code: "rate_limit_error",
      headers: { "X-RateLimit-Reset": String(reset) },
    });
    const got = await run();
    const error = appError(got.error);
    expect(error.code).toBe("rate_limited");
    expect(got.delays).toEqual([]);
    const hhmm = new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    }).format(new Date(reset * 1000));
    expect(errorText(error.code, "zh-CN", error.params)).toBe(
      `请求过于频繁，已达到消费速率上限，请在 ${hhmm} 之后再试。`,
    );
  });
});

describe("refusals are never retried", () => {
  it.each([
    [402, "insufficient_balance", "insufficient_balance", "网关账户余额已用完，请联系管理员充值后再试。"],
    [402, "quota_exceeded", "quota_exceeded", "该密钥的额度已用完，请联系管理员提高额度后再试。"],
    [401, "invalid_api_key", "invalid_api_key", "服务的网关密钥无效或已失效，请联系管理员更新 BYTESPIKE_API_KEY。"],
  ])("%i %s → %s", async (status, code, appCode, zh) => {
    await script({ kind: "http-error", status, code });
    const got = await run();
    const error = appError(got.error);
    expect(error.code).toBe(appCode);
    expect(errorText(error.code, "zh-CN", error.params)).toBe(zh);
    expect(got.delays).toEqual([]);
    expect(await chatStatuses()).toEqual([status]);
  });
});

describe("after the first byte (never retried)", () => {
  const chunks = Array.from({ length: 8 }, (_, n) => `第${n}段。`);
  const whole = (k: number) => chunks.slice(0, k).join("");

  it("a connection dropped at any byte delivers only whole frames, in order, then stream_interrupted", async () => {
    await script({ kind: "stream", chunks: chunks.map((content) => ({ content })) });
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ ...REQUEST, stream: true }),
    });
    const total = (await rawBody(res)).bytes.length;
    const cuts = [0, 1, 2, 10, total - 20, total - 2, total - 1];
    for (let n = 1; n < 40; n++) cuts.push(Math.floor((n * total) / 40) + (n % 3));
    let previous = 0;
    for (const cut of cuts.sort((a, b) => a - b)) {
      await script({ kind: "stream", chunks: chunks.map((content) => ({ content })), dropAtByte: cut });
      const got = await run();
      const error = appError(got.error);
      expect(error.code, `cut at ${cut}`).toBe("stream_interrupted");
      // How many content chunks arrived whole (whole(k) is their text); -1 when the text is not such a prefix.
      const k = [...chunks.keys(), chunks.length].findIndex((n) => whole(n) === got.content);
      expect(k, `cut at ${cut}: ${JSON.stringify(got.content)}`).toBeGreaterThanOrEqual(0);
      expect(k).toBeGreaterThanOrEqual(previous);
      previous = k;
      expect(got.attempts).toBe(1);
      expect(got.delays).toEqual([]);
    }
    // Near the start nothing whole arrived; near the end every content frame did (only the finish frame or [DONE] was cut).
    expect(previous).toBe(chunks.length);
    expect(await chatStatuses()).toEqual(Array(cuts.length + 1).fill(200));
  });

  it("a mid-stream error frame delivers what came before it and is not retried", async () => {
    await script({
      kind: "stream",
      chunks: chunks.map((content) => ({ content })),
      errorFrameAfter: 3,
      errorFrame: { code: "network_error", message: "upstream lost" },
    });
    const got = await run();
    expect(appError(got.error)).toMatchObject({ code: "stream_interrupted", params: { detail: "upstream lost" } });
    expect(got.content).toBe(whole(3));
    expect(await chatStatuses()).toEqual([200]);
  });

  it("a stall shorter than the idle timeout is waited out; a longer one is a dropped stream", async () => {
    const stalled = (stallMs: number): ScriptedResponse => ({
      kind: "stream",
      chunks: chunks.map((content) => ({ content })),
      stallAfter: 2,
      stallMs,
    });
    await script(stalled(300));
    const short = await run({ idleTimeoutMs: 1500 });
    expect(short.error).toBeUndefined();
    expect(short.content).toBe(whole(chunks.length));

    await script(stalled(5000));
    const long = await run({ idleTimeoutMs: 400 });
    expect(appError(long.error)).toMatchObject({
      code: "stream_interrupted",
      params: { detail: "no data for too long" },
    });
    expect(long.content).toBe(whole(2));
    // The client hung up on the silent upstream instead of waiting for the rest.
    expect(await waitForLast(sim.url, (r) => r.closedEarly)).toMatchObject({ completed: false, chunksSent: 2 });
  });

  it("no first byte: the client keeps waiting until Stop, which closes the upstream request", async () => {
    await script({ kind: "stream", text: "不会到达", firstByteDelayMs: 60_000 });
    const controller = new AbortController();
    const pending = run({ signal: controller.signal });
    await waitForLast(sim.url, (r) => r.scripted === "stream");
    controller.abort(new DOMException("stopped by user", "AbortError"));
    const got = await pending;
    expect(got.error).toBeInstanceOf(DOMException);
    expect((got.error as DOMException).name).toBe("AbortError");
    expect(got.delays).toEqual([]);
    expect(await waitForLast(sim.url, (r) => r.closedEarly)).toMatchObject({ status: 0, completed: false });
  });
});
