import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, MAX_RATE_LIMIT_WAIT_MS, retryDelayMs, type AttemptFailure } from "./retry";

const NOW = 1_767_000_000_000;
const noRandom = () => {
  throw new Error("random() must only be used for concurrency jitter");
};
const http = (status: number, extra: Omit<Extract<AttemptFailure, { kind: "http" }>, "kind" | "status"> = {}) =>
  ({ kind: "http", status, ...extra }) as const;

describe("retryDelayMs", () => {
  it("allows four attempts in total", () => {
    expect(MAX_ATTEMPTS).toBe(4);
    expect(MAX_RATE_LIMIT_WAIT_MS).toBe(10_000);
  });

  it.each([500, 502, 503, 504])("backs off exponentially from 1 s on %i, then gives up", (status) => {
    const delays = [1, 2, 3, 4].map((attempt) => retryDelayMs(http(status), attempt, NOW, noRandom));
    expect(delays).toEqual([1000, 2000, 4000, null]);
  });

  it("treats any 5xx as transient", () => {
    expect(retryDelayMs(http(599), 1, NOW, noRandom)).toBe(1000);
    expect(retryDelayMs(http(501), 2, NOW, noRandom)).toBe(2000);
  });

  it("backs off the same way on a network failure before the first byte", () => {
    const delays = [1, 2, 3, 4].map((attempt) => retryDelayMs({ kind: "network" }, attempt, NOW, noRandom));
    expect(delays).toEqual([1000, 2000, 4000, null]);
  });

  it("never retries past the attempt budget, whatever the failure", () => {
    expect(retryDelayMs(http(503), 5, NOW, noRandom)).toBeNull();
    expect(retryDelayMs(http(429, { code: "concurrency_limit" }), 4, NOW, () => 0)).toBeNull();
    expect(retryDelayMs(http(429, { resetAtMs: NOW + 1000 }), 4, NOW, noRandom)).toBeNull();
  });

  it.each([400, 401, 402, 403, 404, 413, 422])("never retries %i", (status) => {
    for (const attempt of [1, 2, 3]) expect(retryDelayMs(http(status), attempt, NOW, noRandom)).toBeNull();
  });

  it("never retries a 2xx/3xx that failed to deliver a stream", () => {
    expect(retryDelayMs(http(200), 1, NOW, noRandom)).toBeNull();
    expect(retryDelayMs(http(302), 1, NOW, noRandom)).toBeNull();
  });

  describe("429 rate limit", () => {
    it("waits exactly until the reset when it is at most 10 s away", () => {
      expect(retryDelayMs(http(429, { resetAtMs: NOW + 3_500 }), 1, NOW, noRandom)).toBe(3_500);
      expect(retryDelayMs(http(429, { resetAtMs: NOW + 10_000 }), 1, NOW, noRandom)).toBe(10_000);
    });

    it("gives up at once when the reset is more than 10 s away", () => {
      expect(retryDelayMs(http(429, { resetAtMs: NOW + 10_001 }), 1, NOW, noRandom)).toBeNull();
      expect(
        retryDelayMs(http(429, { code: "rate_limit_error", resetAtMs: NOW + 3_600_000 }), 1, NOW, noRandom),
      ).toBeNull();
    });

    it("retries at once when the reset is already past", () => {
      expect(retryDelayMs(http(429, { resetAtMs: NOW - 5_000 }), 1, NOW, noRandom)).toBe(0);
    });

    it("gives up when no reset time is known", () => {
      expect(retryDelayMs(http(429), 1, NOW, noRandom)).toBeNull();
    });

    it("never retries Zhipu's 1113 (arrears), even with a near reset", () => {
      expect(retryDelayMs(http(429, { code: "1113", resetAtMs: NOW + 1000 }), 1, NOW, noRandom)).toBeNull();
    });
  });

  describe("429 concurrency_limit", () => {
    const concurrency = http(429, { code: "concurrency_limit", resetAtMs: NOW + 3_600_000 });

    it("jitters between 1 and 3 s, ignoring the reset header", () => {
      expect(retryDelayMs(concurrency, 1, NOW, () => 0)).toBe(1000);
      expect(retryDelayMs(concurrency, 2, NOW, () => 0.5)).toBe(2000);
      expect(retryDelayMs(concurrency, 3, NOW, () => 0.999_999)).toBe(2999);
    });

    it("stays inside [1000, 3000) for any random value", () => {
      for (let i = 0; i <= 100; i++) {
        const r = Math.min(i / 100, 0.999_999_9);
        const delay = retryDelayMs(concurrency, 1, NOW, () => r);
        expect(delay).toBeGreaterThanOrEqual(1000);
        expect(delay).toBeLessThan(3000);
      }
    });
  });
});
