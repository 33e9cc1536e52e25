import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { MAX_URL_BYTES, refuseLongUrl } from "./request-guard.mjs";

describe("the request guard in front of Next", () => {
  it("lets the app's addresses through, a 200-character Chinese search included", () => {
    expect(refuseLongUrl("/c/abc")).toBeUndefined();
    const search = `/api/conversations/search?q=${encodeURIComponent("周报".repeat(100))}`;
    expect(refuseLongUrl(search)).toBeUndefined();
    expect(refuseLongUrl(`/${"a".repeat(MAX_URL_BYTES - 1)}`)).toBeUndefined();
  });

  it("answers 414 with the app's error JSON, in zh-CN and English, past the limit", () => {
    const refused = refuseLongUrl(`/api/auth/?state=${"%EF%BF%BD".repeat(700)}`);
    expect(refused?.status).toBe(414);
    const expected = new AppError("uri_too_long", { limit: "6 KB" });
    expect(JSON.parse(refused!.body)).toEqual({ error: expected.toPayload() });
    expect(expected.status).toBe(414);
  });
});
