import { describe, expect, it } from "vitest";
import { inspectDataUrl, readImageSize } from "./image-info";
import { dataUrl, jpegBytes, pngBytes, webpBytes } from "./test-utils";
import { splitPieces, estimateTokens } from "./tokens";

describe("readImageSize", () => {
  it("reads PNG IHDR", () => {
    expect(readImageSize(pngBytes(640, 480))).toEqual({ format: "png", width: 640, height: 480 });
  });

  it("reads JPEG SOF0 and progressive SOF2 after skipping APP segments", () => {
    expect(readImageSize(jpegBytes(1920, 1080))).toEqual({ format: "jpeg", width: 1920, height: 1080 });
    expect(readImageSize(jpegBytes(300, 200, 0xc2))).toEqual({ format: "jpeg", width: 300, height: 200 });
  });

  it("reads the three WebP flavours", () => {
    expect(readImageSize(webpBytes("VP8 ", 800, 600))).toEqual({ format: "webp", width: 800, height: 600 });
    expect(readImageSize(webpBytes("VP8L", 123, 45))).toEqual({ format: "webp", width: 123, height: 45 });
    expect(readImageSize(webpBytes("VP8X", 5000, 7000))).toEqual({ format: "webp", width: 5000, height: 7000 });
  });

  it("returns null for garbage and truncated headers", () => {
    expect(readImageSize(Buffer.from("hello world, not an image"))).toBeNull();
    expect(readImageSize(pngBytes(1, 1).slice(0, 16))).toBeNull();
  });
});

describe("inspectDataUrl", () => {
  it("accepts a real PNG and reports its size", () => {
    const r = inspectDataUrl(dataUrl("image/png", pngBytes(10, 20)));
    expect(r).toMatchObject({ ok: true, info: { format: "png", width: 10, height: 20 } });
  });

  it("rejects SVG, garbage bytes, bad base64 and oversized dimensions", () => {
    const svg = inspectDataUrl(dataUrl("image/svg+xml", Buffer.from("<svg/>")));
    expect(svg).toMatchObject({ ok: false, reason: expect.stringContaining("unsupported type") });
    const garbage = inspectDataUrl(dataUrl("image/png", Buffer.from("definitely not a png")));
    expect(garbage).toMatchObject({ ok: false, reason: expect.stringContaining("signature") });
    expect(inspectDataUrl("data:image/png;base64,@@@@")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("base64"),
    });
    const big = inspectDataUrl(dataUrl("image/jpeg", jpegBytes(6001, 100)));
    expect(big).toMatchObject({ ok: false, reason: expect.stringContaining("6001×100") });
  });

  it("rejects images of 5 MB or more", () => {
    const huge = Buffer.alloc(5 * 1024 * 1024 + 10);
    huge.set(pngBytes(100, 100));
    expect(inspectDataUrl(dataUrl("image/png", huge))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("5 MB"),
    });
  });
});

describe("tokens", () => {
  it("splits without losing text and keeps CJK pieces small", () => {
    const text = "## 标题\n\n我们很高兴地宣布，GLM Chat 正式上线！Hello world.";
    const pieces = splitPieces(text);
    expect(pieces.join("")).toBe(text);
    for (const p of pieces) expect((p.match(/[\u4e00-\u9fff]/g) ?? []).length).toBeLessThanOrEqual(3);
  });

  it("estimates ~1.5 CJK chars or ~0.75 English words per token", () => {
    expect(estimateTokens("一二三四五六")).toBe(4);
    expect(estimateTokens("one two three")).toBe(4);
  });
});
