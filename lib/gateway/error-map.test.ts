import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { formatResetTime, mapHttpError, mapStreamErrorFrame, parseGatewayErrorBody } from "./error-map";

const ctx = { model: "glm-5-1", attempts: 1 };
// 2026-01-01 01:07 UTC = 09:07 in Shanghai.
const RESET_MS = Date.UTC(2026, 0, 1, 1, 7, 30);

function map(status: number, body: object | string = {}, rate = {}, context = ctx): AppError {
  const parsed = parseGatewayErrorBody(typeof body === "string" ? body : JSON.stringify(body));
  return mapHttpError(status, parsed, rate, context);
}
const err = (code: string | number, message = "x", type?: string) => ({ error: { code, message, type } });

describe("parseGatewayErrorBody", () => {
  it("reads the OpenAI shape", () => {
    expect(parseGatewayErrorBody(JSON.stringify(err("invalid_param", "bad", "invalid_request_error")))).toEqual({
      code: "invalid_param",
      type: "invalid_request_error",
      message: "bad",
    });
  });

  it("reads Zhipu-native bodies, numeric codes included", () => {
    expect(parseGatewayErrorBody('{"error":{"code":"1301","message":"敏感"}}')).toMatchObject({ code: "1301" });
    expect(parseGatewayErrorBody('{"error":{"code":1261,"message":"too long"}}')).toMatchObject({ code: "1261" });
  });

  it("returns nothing for HTML, empty or odd bodies", () => {
    expect(parseGatewayErrorBody("<html>502 Bad Gateway</html>")).toEqual({});
    expect(parseGatewayErrorBody("")).toEqual({});
    expect(parseGatewayErrorBody('{"error":"plain string"}')).toEqual({});
    expect(parseGatewayErrorBody('{"error":{"code":null,"message":"m"}}')).toEqual({ message: "m" });
  });
});

describe("formatResetTime", () => {
  it("gives HH:MM on the Asia/Shanghai clock", () => {
    expect(formatResetTime(RESET_MS)).toBe("09:07");
  });

  it("writes midnight as 00, not 24", () => {
    expect(formatResetTime(Date.UTC(2026, 0, 1, 16, 5))).toBe("00:05");
  });
});

describe("mapHttpError", () => {
  it.each([
    [400, err("invalid_param", "temperature out of range"), "invalid_request", { detail: "temperature out of range" }],
    [400, err("model_not_found"), "model_not_found", { model: "glm-5-1" }],
    [400, err("context_length_exceeded"), "context_length_exceeded", undefined],
    [401, err("invalid_api_key"), "invalid_api_key", undefined],
    [402, err("insufficient_balance"), "insufficient_balance", undefined],
    [402, err("quota_exceeded"), "quota_exceeded", undefined],
    [402, {}, "insufficient_balance", undefined],
    [403, err("permission_denied"), "permission_denied", undefined],
    [403, err("model_not_in_group"), "model_not_in_group", { model: "glm-5-1" }],
    [404, {}, "model_not_found", { model: "glm-5-1" }],
    [413, {}, "payload_too_large", undefined],
    [422, err("invalid_param", "tools[0] malformed"), "invalid_request", { detail: "tools[0] malformed" }],
    [429, err("concurrency_limit"), "concurrency_limited", undefined],
    [418, {}, "upstream_error", { detail: "HTTP 418" }],
  ] as const)("%i %j → %s", (status, body, code, params) => {
    const error = map(status, body);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(code);
    expect(error.params).toEqual(params);
  });

  it("names the requested model in model errors", () => {
    const error = map(403, err("model_not_in_group"), {}, { model: "kimi-k2-6", attempts: 1 });
    expect(error.toPayload().message.en).toContain("kimi-k2-6");
    expect(error.toPayload().message["zh-CN"]).toContain("kimi-k2-6");
  });

  it("uses the status when the body says nothing", () => {
    expect(map(400, "<html>nope</html>").params).toEqual({ detail: "HTTP 400" });
  });

  it("caps the gateway's message in details", () => {
    const error = map(400, err("invalid_param", "y".repeat(1000)));
    expect(String(error.params?.detail)).toHaveLength(300);
  });

  it.each([500, 502, 503, 504])("%i → upstream_unavailable with the attempt count", (status) => {
    const error = map(status, {}, {}, { model: "glm-5-1", attempts: 4 });
    expect(error.code).toBe("upstream_unavailable");
    expect(error.params).toEqual({ attempts: 4 });
    expect(error.retryable).toBe(true);
    expect(error.toPayload().message.en).toContain("4 times");
  });

  describe("429 rate limit", () => {
    it("carries the reset time as HH:MM (Asia/Shanghai) and epoch ms", () => {
      const error = map(429, err("rate_limit_error", "5h bucket exhausted"), { resetAtMs: RESET_MS });
      expect(error.code).toBe("rate_limited");
      expect(error.params).toEqual({ resetAt: "09:07", resetAtMs: RESET_MS });
      expect(error.toPayload().message.en).toBe("Rate limit reached. Try again after 09:07.");
      expect(error.toPayload().message["zh-CN"]).toContain("09:07");
    });

    it("says 'later' when the reset is unknown", () => {
      const error = map(429, err("rate_limit_error"));
      expect(error.code).toBe("rate_limited");
      expect(error.params).toEqual({ resetAt: "稍后 / later" });
    });
  });

  describe("Zhipu-native codes", () => {
    it("1301 (HTTP 400) → content_filtered", () => {
      const error = map(400, err("1301", "系统检测到输入或生成内容可能包含不安全或敏感内容"));
      expect(error.code).toBe("content_filtered");
      expect(error.retryable).toBe(false);
    });

    it("1261 → context_length_exceeded", () => {
      expect(map(400, err("1261", "Prompt 超过最大长度")).code).toBe("context_length_exceeded");
    });

    it("1113 (HTTP 429) → insufficient_balance, not a rate limit", () => {
      const error = map(429, err("1113", "您的账户已欠费"), { resetAtMs: RESET_MS });
      expect(error.code).toBe("insufficient_balance");
      expect(error.retryable).toBe(false);
    });

    it("also recognises numeric codes", () => {
      expect(map(400, { error: { code: 1301, message: "x" } }).code).toBe("content_filtered");
    });
  });

  it("never retries what the UI may not retry", () => {
    for (const status of [400, 401, 402, 403, 413, 422]) expect(map(status).retryable).toBe(false);
  });
});

describe("mapStreamErrorFrame", () => {
  it("maps a content-safety frame to content_filtered", () => {
    expect(mapStreamErrorFrame({ code: "1301", message: "敏感" }).code).toBe("content_filtered");
    expect(mapStreamErrorFrame({ code: "sensitive" }).code).toBe("content_filtered");
  });

  it("maps anything else to stream_interrupted with the message as detail", () => {
    const error = mapStreamErrorFrame({ code: "server_error", message: "upstream reset" });
    expect(error.code).toBe("stream_interrupted");
    expect(error.params).toEqual({ detail: "upstream reset" });
    expect(error.retryable).toBe(true);
  });
});
