import fc from "fast-check";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { noisePng, photoPixels, screenshotPng } from "@/test/images";
import { assembleJoinParts, joinJpegHalvesDetailed, joinPartScan, planJoin, planJoinParts } from "./jpeg-join";
import { bands, compareStacked, JPEG, markersIn, rawRgb, restartInterval, scanOf } from "./jpeg-join-testing";

// N horizontal bands of a picture, each encoded on its own as the browser's encoder does it, joined into one
// JPEG and checked against the bands decoded on their own and stacked (jpeg-join-testing.ts).

/** Plan, every part's scan, assembly: the steps the workers take, with the plan posted in between. */
function join(parts: Uint8Array[], tables: "auto" | "union" = "auto") {
  const plan = planJoinParts(parts, { tables });
  if (!plan) return null;
  const posted = structuredClone(plan);
  const scans = parts.map((part, i) => joinPartScan(part, posted, i));
  if (scans.some((s) => !s)) return null;
  return { plan, jpeg: assembleJoinParts(posted, scans as Uint8Array[]) };
}

const RST = (i: number) => 0xd0 + (i % 8);

describe("joining N parts", () => {
  it("joins three and four parts of a photo into one baseline JPEG with a restart between parts", async () => {
    const width = 640;
    const pixels = photoPixels(width, 384, 3);
    for (const heights of [
      [128, 128, 128],
      [96, 96, 96, 96],
      [112, 112, 112, 48],
    ]) {
      const parts = await bands(pixels.subarray(0, width * 3 * heights.reduce((a, b) => a + b)), width, heights);
      const joined = join(parts)!;
      expect(joined).not.toBeNull();
      const { plan, jpeg } = joined;
      // Here the first part's tables, with codes added for the others' rare symbols, fit all three parts.
      // (With more parts, a part's tables often lack the room or would lengthen another's codes by over 3%.)
      if (heights.length === 3) expect(plan).toMatchObject({ path: "kept", kept: 0 });
      if (plan.kept !== null) expect(plan.parts[plan.kept]!.recode).toBe(false);
      expect(plan.recodedBytes).toBe(
        parts.reduce((sum, part, i) => sum + (plan.parts[i]!.recode ? scanOf(part).length : 0), 0),
      );
      const partBytes = parts.reduce((sum, p) => sum + p.length, 0);
      expect(Math.abs(jpeg.length - partBytes)).toBeLessThan(0.02 * jpeg.length);
      const metadata = await sharp(jpeg).metadata();
      expect(metadata).toMatchObject({ format: "jpeg", width, isProgressive: false, chromaSubsampling: "4:2:0" });
      expect(metadata.height).toBe(heights.reduce((a, b) => a + b));
      expect(restartInterval(jpeg)).toBe(40 * (heights[0]! / 16));
      expect(plan.parts.map((p) => p.mcus)).toEqual(heights.map((h) => 40 * Math.ceil(h / 16)));
      expect(markersIn(scanOf(jpeg))).toEqual(heights.slice(1).map((_, i) => RST(i)));
      const { away, seam } = await compareStacked(parts, jpeg);
      expect(away).toBe(0);
      expect(seam).toBeLessThanOrEqual(16);
    }
  });

  it("keeps one part's tables for a 2048 × 1536 photo in four 384-row parts", async () => {
    const parts = await bands(photoPixels(2048, 1536), 2048, [384, 384, 384, 384]);
    const plan = planJoinParts(parts)!;
    expect(plan).toMatchObject({ path: "kept", interval: 128 * 24 });
    expect(plan.parts.filter((p) => p.recode)).toHaveLength(3);
  });

  it("builds tables from all parts when a flat part sits between noisy ones", async () => {
    const width = 320;
    const noise = await rawRgb(await noisePng(width, 256, 4));
    const flat = await rawRgb(await screenshotPng(width, 96));
    const pixels = Buffer.concat([noise.subarray(0, width * 96 * 3), flat, noise.subarray(width * 96 * 3)]);
    const parts = await bands(pixels, width, [96, 96, 96, 64]);
    const { plan, jpeg } = join(parts)!;
    expect(plan).toMatchObject({ path: "union", kept: null });
    expect(plan.parts.every((p) => p.recode)).toBe(true);
    expect(plan.recodedBytes).toBe(parts.reduce((sum, p) => sum + scanOf(p).length, 0));
    expect(jpeg.length).toBeLessThan(1.1 * parts.reduce((sum, p) => sum + p.length, 0));
    const { away, seam } = await compareStacked(parts, jpeg);
    expect(away).toBe(0);
    expect(seam).toBeLessThanOrEqual(96); // a quarter of a chroma step from white to noise
  });

  it("numbers restarts RST0…RST7 and round again past eight parts", async () => {
    const parts = await bands(photoPixels(96, 160, 8), 96, Array<number>(10).fill(16));
    for (const tables of ["auto", "union"] as const) {
      const { plan, jpeg } = join(parts, tables)!;
      expect(plan.interval).toBe(6);
      expect(markersIn(scanOf(jpeg))).toEqual([0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd0]);
      expect(await compareStacked(parts, jpeg)).toMatchObject({ away: 0 });
    }
  });

  it("makes the same plan for two parts as planJoin, and the same file", async () => {
    const [top, bottom] = await bands(photoPixels(400, 240, 6), 400, [128, 112]);
    for (const tables of ["auto", "union"] as const) {
      const two = planJoin(top!, bottom!, { tables })!;
      const { plan, jpeg } = join([top!, bottom!], tables)!;
      expect(plan).toMatchObject({ header: two.header, tables: two.tables, parts: [two.top, two.bottom] });
      expect(Buffer.from(jpeg).equals(joinJpegHalvesDetailed(top!, bottom!, { tables })!.jpeg)).toBe(true);
    }
  });

  it("gives null for parts it cannot join", async () => {
    const width = 256;
    const pixels = photoPixels(width, 256, 5);
    const ok = await bands(pixels, width, [64, 64, 64, 64]);
    expect(planJoinParts(ok)).not.toBeNull();
    expect(planJoinParts([])).toBeNull();
    expect(planJoinParts(ok.slice(0, 1))).toBeNull();
    expect(planJoinParts(await bands(pixels, width, [64, 80, 64]))).toBeNull(); // parts but the last differ
    expect(planJoinParts(await bands(pixels, width, [80, 64, 64]))).toBeNull();
    expect(planJoinParts(await bands(pixels, width, [64, 64, 80]))).toBeNull(); // last taller than the interval
    expect(planJoinParts(await bands(pixels, width, [72, 72, 72]))).toBeNull(); // not whole MCU rows
    const narrow = await bands(photoPixels(240, 64, 5), 240, [64]);
    expect(planJoinParts([ok[0]!, ok[1]!, narrow[0]!])).toBeNull();
    const q60 = await bands(pixels, width, [64, 64, 64, 64], { ...JPEG, quality: 60 });
    expect(planJoinParts([ok[0]!, q60[1]!, ok[2]!])).toBeNull();
    expect(planJoinParts([ok[0]!, ok[1]!, ok[2]!.subarray(0, 200)])).toBeNull();
    // Not for a part the plan does not have.
    expect(joinPartScan(ok[0]!, planJoinParts(ok)!, 4)).toBeNull();
    expect(() => assembleJoinParts(planJoinParts(ok)!, ok.slice(0, 3))).toThrow();
    // 65535 rows in all, and one more.
    const flat = (height: number) =>
      sharp({ create: { width: 16, height, channels: 3, background: "#8ac" } })
        .jpeg(JPEG)
        .toBuffer();
    const [tall, shorter] = await Promise.all([flat(16384), flat(16383)]);
    expect(planJoinParts([tall, tall, tall, shorter])).not.toBeNull();
    expect(planJoinParts([tall, tall, tall, tall])).toBeNull();
  });

  it("matches the stacked parts for any number of parts, width, heights and content", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 16, max: 400 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.constantFrom("photo", "flat", "noise"), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 40, max: 95 }),
        async (n, width, rows, lastRows, contents, seed, quality) => {
          const partHeight = rows * 16;
          const heights = [...Array<number>(n - 1).fill(partHeight), Math.min(lastRows, partHeight)];
          const pieces = await Promise.all(
            heights.map(async (h, i) => {
              const kind = contents[i]!;
              if (kind === "flat") return rawRgb(await screenshotPng(width, h));
              if (kind === "noise") return rawRgb(await noisePng(width, h, seed + i));
              return photoPixels(width, h, seed + i);
            }),
          );
          const parts = await bands(Buffer.concat(pieces), width, heights, { ...JPEG, quality });
          for (const tables of ["auto", "union"] as const) {
            const joined = join(parts, tables);
            expect(joined).not.toBeNull();
            expect(markersIn(scanOf(joined!.jpeg))).toEqual(heights.slice(1).map((_, i) => RST(i)));
            expect((await compareStacked(parts, joined!.jpeg)).away).toBe(0);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
