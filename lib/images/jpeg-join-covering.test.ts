import fc from "fast-check";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { noisePng, photoPixels, screenshotPng } from "@/test/images";
import { baselineSymbols, codeWords, coveringTable, type HuffmanTable } from "./jpeg-huffman";
import {
  assembleJoinParts,
  coveringGrowth,
  joinPartScan,
  planJoinCovering,
  planJoinParts,
  type JoinPartsPlan,
} from "./jpeg-join";
import { parse } from "./jpeg-join-parse";
import { bands, compareStacked, JPEG, markersIn, rawRgb, restartInterval, scanOf } from "./jpeg-join-testing";

// A join plan made from the first parts only (planJoinCovering), so those can be re-coded while the others
// are still being encoded: its tables cover every baseline symbol, so any later part re-codes into them.

/** Every part's scan for the plan (posted to a worker, so structured-cloned) and the joined file. */
function joinAll(parts: Uint8Array[], plan: JoinPartsPlan) {
  const posted = structuredClone(plan);
  const scans = parts.map((part, i) => joinPartScan(part, posted, i));
  if (scans.some((s) => !s)) return null;
  return assembleJoinParts(posted, scans as Uint8Array[]);
}

/** Symbols of a table, with their code lengths. */
function lengths(table: HuffmanTable): Map<number, number> {
  const words = codeWords(table)!;
  return new Map(Array.from(table.symbols, (s, i) => [s, words[i]! >> 16]));
}

function expectCovering(plan: JoinPartsPlan) {
  for (const slot of new Set([...plan.layout.dcSlots, ...plan.layout.acSlots])) {
    const table = plan.tables[slot]!;
    expect(codeWords(table)).not.toBeNull(); // fits in 16 bits, all-ones code unused
    expect([...table.symbols].sort((a, b) => a - b)).toEqual(baselineSymbols(slot < 4 ? 0 : 1).sort((a, b) => a - b));
  }
}

const flatPixels = (width: number, height: number) => Buffer.alloc(width * height * 3, 0x9a);

describe("a covering join plan from the first parts", () => {
  it("joins four parts of a photo from a plan made with the first two", async () => {
    const width = 512;
    const heights = [128, 128, 128, 96];
    const parts = await bands(photoPixels(width, 480, 11), width, heights);
    const plan = planJoinCovering(parts.slice(0, 2), { count: 4, lastRows: 96 })!;
    expect(plan).toMatchObject({ path: "covering", kept: null, interval: 32 * 8 });
    expect(plan.parts).toEqual([
      { mcus: 256, recode: true, rows: 128 },
      { mcus: 256, recode: true, rows: 128 },
      { mcus: 256, recode: true, rows: 128 },
      { mcus: 32 * 6, recode: true, rows: 96 },
    ]);
    expect(plan.recodedBytes).toBe(scanOf(parts[0]!).length + scanOf(parts[1]!).length);
    expectCovering(plan);
    const jpeg = joinAll(parts, plan)!;
    expect(await sharp(jpeg).metadata()).toMatchObject({ format: "jpeg", width, height: 480, isProgressive: false });
    expect(restartInterval(jpeg)).toBe(256);
    expect(markersIn(scanOf(jpeg))).toEqual([0xd0, 0xd1, 0xd2]);
    const { away, seam } = await compareStacked(parts, jpeg);
    expect(away).toBe(0);
    expect(seam).toBeLessThanOrEqual(16);
    // Parts of one photo share their statistics: about as small as tables made from all four parts.
    const full = joinAll(parts, planJoinParts(parts)!)!;
    expect(jpeg.length).toBeLessThan(full.length * 1.01);
    // The worst table's estimate: a small table (chroma DC) may lose a bit on one symbol.
    for (const part of parts) expect(coveringGrowth(part, plan)).toBeLessThan(0.1);
  });

  it("joins bottom parts unlike the top ones: flat above noise at quality 100, a screenshot above a photo", async () => {
    const width = 256;
    const flatNoise = Buffer.concat([flatPixels(width, 128), await rawRgb(await noisePng(width, 128, 3))]);
    const q100 = await bands(flatNoise, width, [64, 64, 64, 64], { ...JPEG, quality: 100 });
    const screenPhoto = Buffer.concat([await rawRgb(await screenshotPng(width, 192)), photoPixels(width, 144, 4)]);
    const mixed = await bands(screenPhoto, width, [96, 96, 96, 48]);
    for (const [parts, k] of [
      [q100, 2],
      [q100, 1],
      [mixed, 2],
    ] as const) {
      const lastRows = parse(parts[3]!)!.height;
      const plan = planJoinCovering(parts.slice(0, k), { count: 4, lastRows })!;
      expectCovering(plan);
      // The bottom's symbols were never seen, so its codes get much longer: a caller can tell in time.
      expect(coveringGrowth(parts[3]!, plan)).toBeGreaterThan(0.3);
      const jpeg = joinAll(parts, plan)!;
      expect(jpeg).not.toBeNull();
      expect((await compareStacked(parts, jpeg)).away).toBe(0);
    }
  });

  it("makes the same plan every time, and the same scans after a structured clone", async () => {
    const parts = await bands(photoPixels(320, 224, 9), 320, [64, 64, 64, 32]);
    const plan = planJoinCovering(parts.slice(0, 2), { count: 4, lastRows: 32 })!;
    const again = planJoinCovering(
      parts.slice(0, 2).map((p) => Uint8Array.from(p)),
      { count: 4, lastRows: 32 },
    )!;
    expect(again).toEqual(plan);
    const cloned = structuredClone(plan);
    parts.forEach((part, i) => {
      expect(Buffer.from(joinPartScan(part, cloned, i)!).equals(joinPartScan(part, plan, i)!)).toBe(true);
    });
  });

  it("builds each covering table with a code for every baseline symbol, shorter for the seen ones", () => {
    const seen: HuffmanTable = {
      counts: Uint8Array.from([0, 2, 1, ...Array<number>(13).fill(0)]),
      symbols: Uint8Array.from([0x00, 0x01, 0x11]),
    };
    const table = coveringTable([seen], [1000], 1);
    const length = lengths(table);
    expect(length.size).toBe(162);
    for (const s of [0x00, 0x01, 0x11]) expect(length.get(s)).toBeLessThanOrEqual(4);
    expect(length.get(0xa5)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...length.values())).toBeLessThanOrEqual(16);
    expect(coveringTable([seen], [1000], 1)).toEqual(table);
    expect(lengths(coveringTable([], [], 0)).size).toBe(12);
  });

  it("gives null for shapes and parts that do not fit, and no scan for a later part that does not", async () => {
    const width = 256;
    const pixels = photoPixels(width, 256, 5);
    const ok = await bands(pixels, width, [64, 64, 64, 48]);
    const two = ok.slice(0, 2);
    expect(planJoinCovering(two, { count: 4, lastRows: 64 })).not.toBeNull();
    expect(planJoinCovering(two, { count: 4, lastRows: 65 })).toBeNull(); // last taller than the others
    expect(planJoinCovering(two, { count: 4, lastRows: 0 })).toBeNull();
    expect(planJoinCovering(two, { count: 2, lastRows: 64 })).toBeNull(); // k ≥ count
    expect(planJoinCovering(two, { count: 1, lastRows: 64 })).toBeNull();
    expect(planJoinCovering([], { count: 4, lastRows: 64 })).toBeNull();
    const narrow = await bands(photoPixels(240, 64, 5), 240, [64]);
    expect(planJoinCovering([ok[0]!, narrow[0]!], { count: 4, lastRows: 64 })).toBeNull();
    const q60 = await bands(pixels, width, [64, 64, 64, 64], { ...JPEG, quality: 60 });
    expect(planJoinCovering([ok[0]!, q60[1]!], { count: 4, lastRows: 64 })).toBeNull();
    expect(planJoinCovering([ok[0]!, ok[3]!], { count: 4, lastRows: 48 })).toBeNull(); // different heights
    const uneven = await bands(pixels, width, [72, 72]);
    expect(planJoinCovering(uneven.slice(0, 1), { count: 3, lastRows: 72 })).toBeNull(); // not whole MCU rows
    expect(planJoinCovering(two, { count: 1024, lastRows: 64 })).toBeNull(); // 65536 rows in all
    expect(planJoinCovering(two, { count: 1024, lastRows: 63 })).not.toBeNull();
    expect(planJoinCovering([ok[0]!.subarray(0, 200)], { count: 4, lastRows: 64 })).toBeNull();

    // Later parts must have the plan's frame and the rows the shape promised.
    const plan = planJoinCovering(two, { count: 4, lastRows: 48 })!;
    expect(joinAll(ok, plan)).not.toBeNull();
    expect(joinPartScan(ok[3]!, plan, 2)).toBeNull(); // 48 rows where 64 were planned
    expect(joinPartScan(ok[2]!, plan, 3)).toBeNull(); // 64 rows where 48 were planned
    expect(joinPartScan(q60[2]!, plan, 2)).toBeNull(); // other quantisation
    expect(joinPartScan(narrow[0]!, plan, 2)).toBeNull(); // other width
    expect(joinPartScan(ok[2]!, plan, 4)).toBeNull(); // no such part
    expect(coveringGrowth(ok[2]!.subarray(0, 100), plan)).toBeNull();
  });

  it("matches the stacked parts for any first parts, count, sizes and content", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 16, max: 320 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.constantFrom("photo", "flat", "screen", "noise"), { minLength: 5, maxLength: 5 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom(50, 75, 85, 95, 100),
        async (count, given, width, rows, lastRows, contents, seed, quality) => {
          const k = Math.min(given, count - 1);
          const partHeight = rows * 16;
          const heights = [...Array<number>(count - 1).fill(partHeight), Math.min(lastRows, partHeight)];
          const pieces = await Promise.all(
            heights.map(async (h, i) => {
              const kind = contents[i]!;
              if (kind === "flat") return flatPixels(width, h);
              if (kind === "screen") return rawRgb(await screenshotPng(width, h));
              if (kind === "noise") return rawRgb(await noisePng(width, h, seed + i));
              return photoPixels(width, h, seed + i);
            }),
          );
          const parts = await bands(Buffer.concat(pieces), width, heights, { ...JPEG, quality });
          const plan = planJoinCovering(parts.slice(0, k), { count, lastRows: heights[count - 1]! });
          expect(plan).not.toBeNull();
          expectCovering(plan!);
          expect(planJoinCovering(parts.slice(0, k), { count, lastRows: heights[count - 1]! })).toEqual(plan);
          const jpeg = joinAll(parts, plan!);
          expect(jpeg).not.toBeNull();
          expect(markersIn(scanOf(jpeg!))).toEqual(heights.slice(1).map((_, i) => 0xd0 + (i % 8)));
          expect((await compareStacked(parts, jpeg!)).away).toBe(0);
        },
      ),
      { numRuns: 20 },
    );
  });
});
