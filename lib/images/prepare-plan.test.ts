import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_SETTINGS, fitWithin, GATEWAY_MAX_IMAGE_BYTES, PNG_KEEP_MAX_BYTES } from "./limits";
import { alphaMatters, jpegDecodeArea, keepPng, planPreparation, shouldTryPng } from "./prepare-plan";
import type { ImageHeader } from "./sniff";

const settings = DEFAULT_IMAGE_SETTINGS;
const MB = 1024 * 1024;
const header = (width: number, height: number, format: ImageHeader["format"] = "jpeg", orientation = 1) => ({
  format,
  width,
  height,
  orientation,
});

describe("fitWithin", () => {
  it("brings the long edge exactly to the limit, keeping the aspect ratio", () => {
    expect(fitWithin(4000, 3000, 2048)).toEqual({ width: 2048, height: 1536 });
    expect(fitWithin(3000, 4000, 2048)).toEqual({ width: 1536, height: 2048 });
    expect(fitWithin(10000, 10, 2048)).toEqual({ width: 2048, height: 2 });
    expect(fitWithin(10000, 1, 2048)).toEqual({ width: 2048, height: 1 });
  });

  it("never enlarges, and never shrinks below the limit", () => {
    expect(fitWithin(2048, 1000, 2048)).toEqual({ width: 2048, height: 1000 });
    expect(fitWithin(800, 600, 2048)).toEqual({ width: 800, height: 600 });
    expect(Math.max(...Object.values(fitWithin(2049, 2049, 2048)))).toBe(2048);
  });
});

describe("planPreparation", () => {
  it("keeps an original that already fits (a screenshot, a small photo): no re-encode, text stays sharp", () => {
    expect(planPreparation({ size: 900_000, format: "png", header: header(1920, 1080, "png") }, settings)).toEqual({
      kind: "keep",
    });
    expect(planPreparation({ size: 2 * MB, format: "jpeg", header: header(2048, 1536) }, settings)).toEqual({
      kind: "keep",
    });
  });

  it("shrinks a large photo to the configured edge, in displayed orientation", () => {
    expect(planPreparation({ size: 4 * MB, format: "jpeg", header: header(4000, 3000, "jpeg", 6) }, settings)).toEqual({
      kind: "convert",
      target: { width: 1536, height: 2048 },
    });
    expect(
      planPreparation({ size: 4 * MB, format: "jpeg", header: header(4000, 3000) }, { ...settings, maxEdge: 1024 }),
    ).toEqual({ kind: "convert", target: { width: 1024, height: 768 } });
  });

  it("re-encodes a small-dimension file that is over the gateway's byte limit, at the same size", () => {
    expect(planPreparation({ size: 6 * MB, format: "png", header: header(2000, 2000, "png") }, settings)).toEqual({
      kind: "convert",
      target: { width: 2000, height: 2000 },
    });
  });

  it("refuses what it cannot use, each with its own reason", () => {
    const plan = (size: number, format: Parameters<typeof planPreparation>[0]["format"], h: ImageHeader | null) =>
      planPreparation({ size, format, header: h }, settings);
    expect(plan(31 * MB, "jpeg", header(100, 100))).toEqual({ kind: "reject", reason: "too_big" });
    expect(plan(1000, "svg", null)).toEqual({ kind: "reject", reason: "svg" });
    expect(plan(1000, "pdf", null)).toEqual({ kind: "reject", reason: "pdf" });
    expect(plan(1000, null, null)).toEqual({ kind: "reject", reason: "unsupported" });
    expect(plan(1000, "tiff", null)).toEqual({ kind: "reject", reason: "unsupported" });
    expect(plan(1000, "jpeg", null)).toEqual({ kind: "reject", reason: "corrupt" });
    expect(plan(20 * MB, "png", header(20000, 20000, "png"))).toEqual({ kind: "reject", reason: "too_many_pixels" });
  });

  it("lets the browser try HEIC and AVIF (Safari decodes HEIC), sizing after decoding", () => {
    expect(planPreparation({ size: 3 * MB, format: "heic", header: null }, settings)).toEqual({
      kind: "convert",
      target: null,
    });
  });
});

describe("PNG or JPEG", () => {
  it("tries PNG for screenshots and for anything with transparency, never for opaque photos", () => {
    expect(shouldTryPng("png", false)).toBe(true);
    expect(shouldTryPng("webp", true)).toBe(true);
    expect(shouldTryPng("webp", false)).toBe(false);
    expect(shouldTryPng("jpeg", false)).toBe(false);
    expect(shouldTryPng("heic", false)).toBe(false);
  });

  it("keeps PNG when small, or with transparency while under the gateway limit", () => {
    expect(keepPng(PNG_KEEP_MAX_BYTES, false, GATEWAY_MAX_IMAGE_BYTES)).toBe(true);
    expect(keepPng(PNG_KEEP_MAX_BYTES + 1, false, GATEWAY_MAX_IMAGE_BYTES)).toBe(false);
    expect(keepPng(4 * MB, true, GATEWAY_MAX_IMAGE_BYTES)).toBe(true);
    expect(keepPng(GATEWAY_MAX_IMAGE_BYTES, true, GATEWAY_MAX_IMAGE_BYTES)).toBe(false);
  });

  it("counts transparency that matters, not a stray pixel", () => {
    const rgba = (pixels: number, transparent: number) => {
      const data = new Uint8ClampedArray(pixels * 4).fill(255);
      for (let i = 0; i < transparent; i++) data[i * 4 + 3] = 0;
      return data;
    };
    expect(alphaMatters(rgba(10_000, 0))).toBe(false);
    expect(alphaMatters(rgba(10_000, 3))).toBe(false);
    expect(alphaMatters(rgba(10_000, 2500))).toBe(true);
  });
});

describe("jpegDecodeArea", () => {
  /** The size libjpeg decodes at n/8, as Chromium picks n: the largest scale whose pixels fit the budget. */
  const decodedAt = (stored: { width: number; height: number }, budget: { width: number; height: number }) => {
    let n = 1;
    for (let k = 8; k >= 1; k--) {
      if (Math.ceil((stored.width * k) / 8) * Math.ceil((stored.height * k) / 8) <= budget.width * budget.height) {
        n = k;
        break;
      }
    }
    return { n, width: Math.ceil((stored.width * n) / 8), height: Math.ceil((stored.height * n) / 8) };
  };

  it("decodes a 12 MP photo going to 2048 px at 5/8 (2500×1875), not 4/8 (2000×1500, under the edge)", () => {
    const area = jpegDecodeArea(header(4000, 3000), { width: 2048, height: 1536 });
    expect(area?.numerator).toBe(5);
    expect(decodedAt({ width: 4000, height: 3000 }, area!)).toEqual({ n: 5, width: 2500, height: 1875 });
  });

  it("compares a rotated photo's target with its stored size, not its shown size", () => {
    // Stored 4000×3000 with orientation 6: shown 3000×4000, target 1536×2048 as shown.
    expect(jpegDecodeArea(header(4000, 3000, "jpeg", 6), { width: 1536, height: 2048 })?.numerator).toBe(5);
    // Read the other way round it would have picked a scale from the wrong edges.
    expect(jpegDecodeArea(header(4000, 2000, "jpeg", 8), { width: 1024, height: 2048 })?.numerator).toBe(5);
  });

  it("is not used when the target is over 7/8 of the stored size", () => {
    expect(jpegDecodeArea(header(2200, 1650), fitWithin(2200, 1650, 2048))).toBeNull();
    expect(jpegDecodeArea(header(2340, 1000), fitWithin(2340, 1000, 2048))).toBeNull();
  });

  it("never decodes below the target, for any size and edge (Chromium's choice of scale simulated)", () => {
    for (const [w, h] of [
      [4000, 3000],
      [4032, 3024],
      [6000, 4000],
      [8192, 5464],
      [3001, 2999],
      [12000, 9000],
      [2600, 100],
      [100, 9000],
      [4097, 2049],
    ] as const) {
      for (const edge of [512, 1024, 1536, 2048, 2560, 3000]) {
        for (const orientation of [1, 6]) {
          const shown = orientation === 6 ? { width: h, height: w } : { width: w, height: h };
          const target = fitWithin(shown.width, shown.height, edge);
          const area = jpegDecodeArea(header(w, h, "jpeg", orientation), target);
          if (!area) {
            expect(Math.max(target.width, target.height) * 8).toBeGreaterThan(Math.max(w, h) * 7);
            continue;
          }
          const decoded = decodedAt({ width: w, height: h }, area);
          expect(decoded.n).toBe(area.numerator);
          const storedTarget = orientation === 6 ? { width: target.height, height: target.width } : target;
          expect(decoded.width).toBeGreaterThanOrEqual(storedTarget.width);
          expect(decoded.height).toBeGreaterThanOrEqual(storedTarget.height);
          // …and at the smallest scale that does: one step smaller would be under the target.
          if (area.numerator > 1) {
            const smaller = {
              width: Math.ceil((w * (area.numerator - 1)) / 8),
              height: Math.ceil((h * (area.numerator - 1)) / 8),
            };
            expect(smaller.width < storedTarget.width || smaller.height < storedTarget.height).toBe(true);
          }
        }
      }
    }
  });
});
