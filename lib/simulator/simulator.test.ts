import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WireCompletion, WireErrorBody, WireModelList } from "../gateway/wire";
import { createSimulator, type Simulator } from "./server";
import { chat, dataUrl, joined, jpegBytes, KEY, pngBytes, readSse, requests, webpBytes } from "./test-utils";

const RATE = [
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
  "x-quota-remaining-credits",
  "x-org-quota-remaining-credits",
];
const user = (content: unknown) => ({ role: "user", content });

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ port: 0, tokensPerSecond: 0, maxBodyBytes: 256 * 1024 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

function expectRateHeaders(res: Response) {
  for (const h of RATE) expect(res.headers.get(h), h).toMatch(/^\d+(\.\d+)?$/);
  expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
}

async function expectError(res: Response, status: number, code: string, param?: string) {
  expect(res.status).toBe(status);
  expectRateHeaders(res);
  const body = (await res.json()) as WireErrorBody;
  expect(body.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String) });
  expect(body.error).toHaveProperty("param");
  if (param) expect(body.error.param).toContain(param);
  return body.error;
}

describe("auth and rate headers", () => {
  it("answers 401 in the gateway shape with rate headers when the key is missing", async () => {
    const err = await expectError(
      await chat(sim.url, { model: "glm-5-1", messages: [user("hi")] }, { key: null }),
      401,
      "invalid_api_key",
    );
    expect(err).toEqual({
      type: "authentication_error",
      code: "invalid_api_key",
      message: expect.any(String),
      param: null,
    });
  });

  it("only accepts listed keys when keys are configured", async () => {
    const strict = await createSimulator({ keys: ["sk-byts-good"], tokensPerSecond: 0 });
    try {
      const bad = await fetch(`${strict.url}/v1/models`, { headers: { authorization: "Bearer sk-byts-bad" } });
      await expectError(bad, 401, "invalid_api_key");
      const good = await fetch(`${strict.url}/v1/models`, { headers: { authorization: "Bearer sk-byts-good" } });
      expect(good.status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it("sends rate headers on success and they decrease per request", async () => {
    const a = await fetch(`${sim.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    const b = await fetch(`${sim.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expectRateHeaders(a);
    expectRateHeaders(b);
    expect(Number(b.headers.get("x-ratelimit-remaining"))).toBeLessThan(Number(a.headers.get("x-ratelimit-remaining")));
    expect(Number(b.headers.get("x-quota-remaining-credits"))).toBeLessThan(
      Number(a.headers.get("x-quota-remaining-credits")),
    );
  });
});

describe("GET /v1/models", () => {
  const get = async (q = "") => {
    const res = await fetch(`${sim.url}/v1/models${q}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as WireModelList;
  };

  it("lists the model table", async () => {
    const list = await get();
    expect(list.object).toBe("list");
    expect(list.data.map((m) => m.id)).toEqual(["glm-5-1", "glm-5", "kimi-k2-6", "deepseek-v4-pro"]);
    expect(list.data[0]).toMatchObject({
      owned_by: "zhipu",
      max_output_tokens: 16384,
      capabilities: expect.arrayContaining(["vision"]),
    });
  });

  it("filters by capability and family", async () => {
    expect((await get("?capability=vision")).data.map((m) => m.id)).toEqual(["glm-5-1"]);
    expect((await get("?family=zhipu")).data.map((m) => m.id)).toEqual(["glm-5-1", "glm-5"]);
    expect((await get("?family=zhipu&capability=thinking")).data).toHaveLength(2);
  });
});

describe("validation", () => {
  it("rejects non-JSON, unknown models, bad roles and empty messages", async () => {
    await expectError(await chat(sim.url, "{not json"), 400, "invalid_param");
    await expectError(await chat(sim.url, { model: "gpt-9", messages: [user("hi")] }), 400, "model_not_found", "model");
    await expectError(await chat(sim.url, { model: "glm-5-1", messages: [] }), 400, "invalid_param", "messages");
    await expectError(
      await chat(sim.url, { model: "glm-5-1", messages: [{ role: "robot", content: "x" }] }),
      400,
      "invalid_param",
      "role",
    );
  });

  it("checks max_tokens against the model's max output", async () => {
    await expectError(
      await chat(sim.url, { model: "glm-5", max_tokens: 8193, messages: [user("hi")] }),
      400,
      "invalid_param",
      "max_tokens",
    );
    await expectError(
      await chat(sim.url, { model: "glm-5-1", max_tokens: 0, messages: [user("hi")] }),
      400,
      "invalid_param",
      "max_tokens",
    );
    await expectError(
      await chat(sim.url, { model: "glm-5-1", max_tokens: 1.5, messages: [user("hi")] }),
      400,
      "invalid_param",
      "max_tokens",
    );
    expect((await chat(sim.url, { model: "glm-5-1", max_tokens: 16384, messages: [user("hi")] })).status).toBe(200);
  });

  it("rejects images on a model without vision", async () => {
    const msg = user([
      { type: "text", text: "看图" },
      { type: "image_url", image_url: { url: dataUrl("image/png", pngBytes(10, 10)) } },
    ]);
    const err = await expectError(await chat(sim.url, { model: "glm-5", messages: [msg] }), 400, "invalid_param");
    expect(err.message).toMatch(/Image 1.*vision/);
  });

  it("rejects SVG, garbage and oversized images, naming which image", async () => {
    const img = (url: string) => ({ type: "image_url", image_url: { url } });
    const ok = img(dataUrl("image/png", pngBytes(10, 10)));
    const cases: Array<[string, RegExp]> = [
      [dataUrl("image/svg+xml", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>")), /Image 2.*image\/svg\+xml/],
      [dataUrl("image/png", Buffer.from("garbage bytes, not a png at all")), /Image 2.*signature/],
      [dataUrl("image/jpeg", jpegBytes(7000, 300)), /Image 2.*7000×300.*6000×6000/],
      [dataUrl("image/webp", webpBytes("VP8X", 100, 6001)), /Image 2.*100×6001/],
    ];
    for (const [url, why] of cases) {
      const err = await expectError(
        await chat(sim.url, { model: "glm-5-1", messages: [user([ok, img(url)])] }),
        400,
        "invalid_param",
        "messages[0].content[1]",
      );
      expect(err.message).toMatch(why);
    }
  });

  it("accepts valid JPEG/PNG/WebP and https images and reports them in the demo reply", async () => {
    const parts = [
      { type: "text", text: "这些图片是什么？" },
      { type: "image_url", image_url: { url: dataUrl("image/jpeg", jpegBytes(1280, 720)) } },
      { type: "image_url", image_url: { url: dataUrl("image/webp", webpBytes("VP8 ", 64, 48)) } },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
    ];
    const res = await chat(sim.url, { model: "glm-5-1", messages: [user(parts)] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as WireCompletion;
    const content = body.choices[0]?.message.content ?? "";
    expect(content).toContain("JPEG，1280×720");
    expect(content).toContain("WEBP，64×48");
    expect(content).toContain("https 链接");
  });

  it("answers 413 when the body is over the limit", async () => {
    const big = "x".repeat(300 * 1024);
    await expectError(await chat(sim.url, { model: "glm-5-1", messages: [user(big)] }), 413, "request_too_large");
  });
});

describe("demo replies", () => {
  it("streams the GLM shape: role in every delta, reasoning before content, usage on the final chunk, then [DONE]", async () => {
    const res = await chat(sim.url, {
      model: "glm-5-1",
      stream: true,
      messages: [
        user("你好"),
        { role: "assistant", content: "你好！有什么可以帮你？" },
        user("用中文写一份产品发布公告。"),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expectRateHeaders(res);
    const sse = await readSse(res);
    expect(sse.done).toBe(true);
    expect(sse.chunks.length).toBeGreaterThan(20);
    for (const c of sse.chunks) {
      expect(c.object).toBe("chat.completion.chunk");
      expect(c.choices[0]?.delta.role).toBe("assistant");
    }
    const kinds = sse.chunks.map((c) =>
      c.choices[0]?.delta.reasoning_content ? "r" : c.choices[0]?.delta.content ? "c" : "-",
    );
    expect(kinds.join("")).toMatch(/^r+c+-$/);
    expect(sse.chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason == null)).toBe(true);
    const last = sse.chunks.at(-1)!;
    expect(last.choices[0]?.finish_reason).toBe("stop");
    expect(last.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);
    expect(last.usage!.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
    const content = joined(sse.chunks, "content");
    expect(content).toContain("## 产品发布公告");
    expect(content).toContain("| 项目 | 内容 |");
    expect(content).toContain("模拟器");
    expect(joined(sse.chunks, "reasoning_content")).toContain("用中文写一份产品发布公告");
  });

  it("sends no reasoning when thinking is disabled or the model cannot think", async () => {
    for (const body of [
      { model: "glm-5-1", stream: true, thinking: { type: "disabled" }, messages: [user("hi")] },
      { model: "kimi-k2-6", stream: true, messages: [user("hi")] },
    ]) {
      const sse = await readSse(await chat(sim.url, body));
      expect(joined(sse.chunks, "reasoning_content")).toBe("");
      expect(joined(sse.chunks, "content")).toContain("模拟器");
    }
  });

  it("stops at max_tokens with finish_reason length", async () => {
    const sse = await readSse(
      await chat(sim.url, { model: "glm-5-1", stream: true, max_tokens: 60, messages: [user("写一份公告")] }),
    );
    const last = sse.chunks.at(-1)!;
    expect(last.choices[0]?.finish_reason).toBe("length");
    expect(last.usage?.completion_tokens).toBe(60);
    expect(sse.done).toBe(true);
  });

  it("answers stream:false with a chat.completion and usage", async () => {
    const res = await chat(sim.url, {
      model: "glm-5-1",
      messages: [user("介绍一下你自己")],
      tools: [{ type: "function", function: { name: "get_weather" } }],
    });
    const body = (await res.json()) as WireCompletion;
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(body.choices[0]?.message.content).toContain("`get_weather`");
    expect(body.choices[0]?.message.reasoning_content).toBeTruthy();
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it("returns a JSON object string in json_object mode", async () => {
    const res = await chat(sim.url, {
      model: "glm-5",
      response_format: { type: "json_object" },
      messages: [user("列出三种水果")],
    });
    const body = (await res.json()) as WireCompletion;
    const parsed = JSON.parse(body.choices[0]?.message.content ?? "") as Record<string, unknown>;
    expect(parsed).toMatchObject({ demo: true, model: "glm-5", last_user_message: "列出三种水果" });
  });

  it("logs requests with headers and body", async () => {
    await chat(sim.url, { model: "glm-5-1", messages: [user("记录我")] });
    const [entry] = await requests(sim.url);
    expect(entry).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      status: 200,
      completed: true,
      closedEarly: false,
      scripted: "demo",
    });
    expect(entry?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(entry?.body).toMatchObject({ model: "glm-5-1" });
  });
});
