import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WireChunk, WireCompletion } from "../gateway/wire";
import type { ScriptedResponse } from "./script-types";
import { createSimulator, type Simulator } from "./server";
import { chat, joined, rawBody, readSse, requests, waitForLast } from "./test-utils";

const req = (extra: Record<string, unknown> = {}) => ({
  model: "glm-5-1",
  stream: true,
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

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

describe("control API", () => {
  it("has health, rejects malformed scripts and reset clears the log", async () => {
    expect((await fetch(`${sim.url}/__control/health`)).status).toBe(200);
    expect(
      (await fetch(`${sim.url}/__control/script`, { method: "POST", body: '{"responses":[{"kind":"nope"}]}' })).status,
    ).toBe(400);
    await chat(sim.url, req({ stream: false }));
    expect(await requests(sim.url)).toHaveLength(1);
    await fetch(`${sim.url}/__control/reset`, { method: "POST" });
    expect(await requests(sim.url)).toHaveLength(0);
  });

  it("consumes scripts in FIFO order only for valid requests, honouring times", async () => {
    await script({ kind: "http-error", status: 503, times: 2 }, { kind: "json", content: '{"a":1}' });
    expect((await chat(sim.url, { model: "nope", messages: [] })).status).toBe(400);
    expect((await chat(sim.url, req())).status).toBe(503);
    expect((await chat(sim.url, req())).status).toBe(503);
    const sse = await readSse(await chat(sim.url, req()));
    expect(joined(sse.chunks, "content")).toBe('{"a":1}');
    const demo = await readSse(await chat(sim.url, req()));
    expect(joined(demo.chunks, "content")).toContain("模拟器");
    expect((await requests(sim.url)).map((r) => r.scripted)).toEqual([
      null,
      "http-error",
      "http-error",
      "json",
      "demo",
    ]);
  });
});

describe("scripted responses", () => {
  it("http-error: gateway shape, custom headers, rate headers, or a verbatim Zhipu body", async () => {
    await script(
      {
        kind: "http-error",
        status: 429,
        code: "rate_limit_error",
        message: "5h bucket exhausted",
        headers: { "X-RateLimit-Reset": "1999999999", "Retry-After": "7" },
      },
      {
        kind: "http-error",
        status: 400,
        body: { error: { code: "1301", message: "系统检测到输入或生成内容可能包含不安全或敏感内容" } },
      },
      { kind: "http-error", status: 402, code: "insufficient_balance" },
    );
    const r429 = await chat(sim.url, req());
    expect(r429.status).toBe(429);
    expect(r429.headers.get("x-ratelimit-reset")).toBe("1999999999");
    expect(r429.headers.get("retry-after")).toBe("7");
    expect(r429.headers.get("x-quota-remaining-credits")).toBeTruthy();
    expect(await r429.json()).toEqual({
      error: { type: "rate_limit_error", code: "rate_limit_error", message: "5h bucket exhausted", param: null },
    });
    const zhipu = await chat(sim.url, req());
    expect(zhipu.status).toBe(400);
    expect(await zhipu.json()).toEqual({
      error: { code: "1301", message: "系统检测到输入或生成内容可能包含不安全或敏感内容" },
    });
    const r402 = await chat(sim.url, req());
    expect(((await r402.json()) as { error: { code: string } }).error.code).toBe("insufficient_balance");
  });

  it("stream: reasoning and text auto-split, custom usage merged, headers added", async () => {
    await script({
      kind: "stream",
      reasoning: "先想一想这个问题。",
      text: "你好，世界！这是一个脚本化的回复。",
      usage: { prompt_tokens: 100, completion_tokens: 20 },
      headers: { "x-test": "yes" },
    });
    const res = await chat(sim.url, req());
    expect(res.headers.get("x-test")).toBe("yes");
    const sse = await readSse(res);
    expect(joined(sse.chunks, "reasoning_content")).toBe("先想一想这个问题。");
    expect(joined(sse.chunks, "content")).toBe("你好，世界！这是一个脚本化的回复。");
    expect(sse.chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(3);
    expect(sse.chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 });
    expect(sse.done).toBe(true);
  });

  it("stream: parallel tool calls arrive whole, indexed 0,1, with finish_reason tool_calls", async () => {
    const call = (id: string, name: string, args: object) => ({
      id,
      type: "function" as const,
      function: { name, arguments: JSON.stringify(args) },
    });
    await script({
      kind: "stream",
      chunks: [
        {
          toolCalls: [
            call("call_a", "get_weather", { city: "北京" }),
            call("call_b", "get_time", { tz: "Asia/Shanghai" }),
          ],
        },
      ],
    });
    const sse = await readSse(
      await chat(sim.url, req({ tools: [{ type: "function", function: { name: "get_weather" } }] })),
    );
    const calls = sse.chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((c) => [c.index, c.id, c.function?.name])).toEqual([
      [0, "call_a", "get_weather"],
      [1, "call_b", "get_time"],
    ]);
    expect(JSON.parse(calls[0]?.function?.arguments ?? "")).toEqual({ city: "北京" });
    expect(sse.chunks.every((c) => c.choices.length === 0 || c.choices[0]?.delta.role === "assistant")).toBe(true);
    expect(sse.chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("stream: tool calls fold into a non-streamed completion", async () => {
    await script({
      kind: "stream",
      chunks: [{ toolCalls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] }],
    });
    const body = (await (await chat(sim.url, req({ stream: false }))).json()) as WireCompletion;
    expect(body.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: { content: null, tool_calls: [{ id: "c1" }] },
    });
  });

  it("stream: errorFrameAfter sends N chunks then a terminal error frame and no [DONE]", async () => {
    await script({
      kind: "stream",
      chunks: [{ content: "一" }, { content: "二" }, { content: "三" }, { content: "四" }],
      errorFrameAfter: 2,
      errorFrame: { code: "network_error", message: "upstream lost" },
    });
    const sse = await readSse(await chat(sim.url, req()));
    expect(joined(sse.chunks, "content")).toBe("一二");
    expect(sse.errorFrame?.error).toMatchObject({ code: "network_error", message: "upstream lost" });
    expect(sse.done).toBe(false);
    expect(await waitForLast(sim.url, (r) => r.completed)).toMatchObject({ chunksSent: 2, closedEarly: false });
  });

  it("stream: dropAfter destroys the socket mid-stream", async () => {
    await script({ kind: "stream", chunks: [{ content: "a" }, { content: "b" }, { content: "c" }], dropAfter: 2 });
    const sse = await readSse(await chat(sim.url, req()));
    expect(sse.chunks).toHaveLength(2);
    expect(sse.done).toBe(false);
    expect(sse.broken).toBe(true);
    expect(await waitForLast(sim.url, (r) => r.status === 200)).toMatchObject({
      completed: false,
      closedEarly: false,
      chunksSent: 2,
    });
  });

  it("stream: dropAtByte cuts the body at exactly that byte, inside a frame and inside a character", async () => {
    const chunks = ["甲乙", "丙丁", "戊己"].map((content) => ({ content }));
    // Measure the body once, then cut inside the second frame's second character (3 UTF-8 bytes each).
    await script({ kind: "stream", chunks });
    const whole = await rawBody(await chat(sim.url, req()));
    expect(whole.broken).toBe(false);
    const text = new TextDecoder().decode(whole.bytes);
    const second = Buffer.byteLength(text.slice(0, text.indexOf("丙丁") + 1));
    const cut = second + 1;

    await script({ kind: "stream", chunks, dropAtByte: cut });
    const got = await rawBody(await chat(sim.url, req()));
    expect(got.broken).toBe(true);
    expect(got.bytes.length).toBe(cut);
    // Same identity length per request, so the bytes before the cut match the whole body's.
    const decoded = new TextDecoder().decode(got.bytes.subarray(0, second));
    expect(decoded.endsWith("丙")).toBe(true);
    const frames = decoded.split("\n\n").slice(0, -1);
    expect(frames).toHaveLength(1);
    expect(await waitForLast(sim.url, (r) => r.status === 200 && !r.completed)).toMatchObject({
      completed: false,
      closedEarly: false,
      chunksSent: 1,
    });
  });

  it("stream: dropAtByte at any byte leaves a prefix of the body, whole frames parsed, never [DONE]", async () => {
    const chunks = Array.from({ length: 6 }, (_, n) => ({ content: `第${n}段。` }));
    await script({ kind: "stream", chunks });
    const whole = await rawBody(await chat(sim.url, req()));
    const total = whole.bytes.length;
    const offsets = [
      0,
      1,
      5,
      50,
      total - 1,
      ...Array.from({ length: 12 }, (_, n) => Math.floor(((n + 1) * total) / 13)),
    ];
    for (const cut of offsets) {
      await script({ kind: "stream", chunks, dropAtByte: cut });
      const got = await rawBody(await chat(sim.url, req()));
      expect(got.bytes.length, `cut at ${cut}`).toBe(cut);
      expect(got.broken).toBe(true);
      const text = new TextDecoder().decode(got.bytes);
      expect(text).not.toContain("data: [DONE]\n\n");
      const contents = text
        .split("\n\n")
        .slice(0, -1)
        .map((f) => (JSON.parse(f.slice("data: ".length)) as WireChunk).choices[0]?.delta.content ?? "");
      expect(chunks.map((c) => c.content).join("")).toContain(contents.join(""));
      expect(
        chunks
          .map((c) => c.content)
          .join("")
          .startsWith(contents.join("")),
      ).toBe(true);
    }
    // Past the end it never fires: the stream completes.
    await script({ kind: "stream", chunks, dropAtByte: total + 10 });
    const after = await rawBody(await chat(sim.url, req()));
    expect(after.broken).toBe(false);
    expect(new TextDecoder().decode(after.bytes)).toContain("data: [DONE]");
  });

  it("stream: dropAtByte must be a whole number of bytes", async () => {
    for (const dropAtByte of [-1, 1.5, "10"]) {
      const res = await fetch(`${sim.url}/__control/script`, {
        method: "POST",
        body: JSON.stringify({ responses: [{ kind: "stream", text: "a", dropAtByte }] }),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("dropAtByte");
    }
  });

  it("stream: dropAtByte on a stream:false request drops the connection", async () => {
    await script({ kind: "stream", text: "好", dropAtByte: 10 });
    await expect(chat(sim.url, req({ stream: false }))).rejects.toThrow();
  });

  it("stream: stallAfter pauses mid-stream and firstByteDelayMs delays the headers", async () => {
    await script({
      kind: "stream",
      chunks: [{ content: "a" }, { content: "b" }, { content: "c" }],
      stallAfter: 2,
      stallMs: 300,
      firstByteDelayMs: 200,
    });
    const t0 = performance.now();
    const res = await chat(sim.url, req());
    expect(performance.now() - t0).toBeGreaterThanOrEqual(180);
    const sse = await readSse(res);
    expect(sse.times[2]! - sse.times[1]!).toBeGreaterThanOrEqual(250);
    expect(sse.done).toBe(true);
  });

  it("POST /__control/release ends a stall or a first-byte wait at once", async () => {
    await script({
      kind: "stream",
      chunks: [{ content: "a" }, { content: "b" }, { content: "c" }],
      firstByteDelayMs: 60_000,
      stallAfter: 1,
      stallMs: 60_000,
    });
    const pending = chat(sim.url, req());
    await waitForLast(sim.url, (r) => r.scripted === "stream");
    const first = await fetch(`${sim.url}/__control/release`, { method: "POST" });
    expect(await first.json()).toEqual({ released: 1 });
    const res = await pending;
    const reading = readSse(res);
    await waitForLast(sim.url, (r) => r.chunksSent === 1);
    // Stalled after the first chunk until released.
    await new Promise((r) => setTimeout(r, 100));
    expect((await waitForLast(sim.url, () => true)).chunksSent).toBe(1);
    await fetch(`${sim.url}/__control/release`, { method: "POST" });
    const sse = await reading;
    expect(joined(sse.chunks, "content")).toBe("abc");
    expect(sse.done).toBe(true);
    // Nothing in flight: nothing to release.
    expect(await (await fetch(`${sim.url}/__control/release`, { method: "POST" })).json()).toEqual({ released: 0 });
  });

  it("stream: usage in a separate trailing chunk, or omitted", async () => {
    await script(
      { kind: "stream", text: "好", usageInSeparateChunk: true },
      { kind: "stream", text: "好", omitUsage: true },
    );
    const sep = await readSse(await chat(sim.url, req()));
    const tail = sep.chunks.at(-1)!;
    expect(tail.choices).toEqual([]);
    expect(tail.usage?.total_tokens).toBeGreaterThan(0);
    expect(sep.chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    const none = await readSse(await chat(sim.url, req()));
    expect(none.chunks.at(-1)?.usage).toBeUndefined();
    expect(none.chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("json: fixed content for stream:false too", async () => {
    await script({ kind: "json", content: '{"title":"发布公告"}' });
    const body = (await (
      await chat(sim.url, req({ stream: false, response_format: { type: "json_object" } }))
    ).json()) as WireCompletion;
    expect(JSON.parse(body.choices[0]?.message.content ?? "")).toEqual({ title: "发布公告" });
  });

  it("drop: the connection dies before any byte", async () => {
    await script({ kind: "drop" });
    await expect(chat(sim.url, req())).rejects.toThrow();
    expect(await waitForLast(sim.url, (r) => r.scripted === "drop")).toMatchObject({ status: 0, completed: false });
  });
});

describe("client disconnect", () => {
  it("records closedEarly and stops generating when the client aborts mid-stream", async () => {
    await script({ kind: "stream", text: "这是一段很长的回复。".repeat(40), chunkDelayMs: 15 });
    const abort = new AbortController();
    const res = await chat(sim.url, req(), { signal: abort.signal });
    const sse = await readSse(res, { stopAfter: 3, abort });
    expect(sse.chunks.length).toBeGreaterThanOrEqual(3);
    const entry = await waitForLast(sim.url, (r) => r.closedEarly);
    expect(entry.completed).toBe(false);
    const sentAtClose = entry.chunksSent;
    expect(sentAtClose).toBeLessThan(20);
    await new Promise((r) => setTimeout(r, 100));
    expect((await waitForLast(sim.url, () => true)).chunksSent).toBe(sentAtClose);
  });

  it("records closedEarly for an unscripted demo stream too", async () => {
    const paced = await createSimulator({ tokensPerSecond: 200 });
    try {
      const abort = new AbortController();
      const res = await chat(paced.url, req(), { signal: abort.signal });
      await readSse(res, { stopAfter: 2, abort });
      const entry = await waitForLast(paced.url, (r) => r.closedEarly);
      expect(entry).toMatchObject({ scripted: "demo", completed: false, status: 200 });
    } finally {
      await paced.close();
    }
  });
});
