import fc from "fast-check";
import sharp, { type JpegOptions } from "sharp";
import { describe, expect, it } from "vitest";
import { noisePng, photoPixels, screenshotPng } from "@/test/images";
import { extendTable, readDht, SLOTS, unionTable, unionTables, type HuffmanTable } from "./jpeg-huffman";
import { ByteSink, recode } from "./jpeg-huffman-recode";
import { assembleJoin, joinJpegHalves, joinJpegHalvesDetailed, joinScan, planJoin } from "./jpeg-join";
import { bands, compareStacked, JPEG, markersIn, rawRgb, scanOf } from "./jpeg-join-testing";

// The two halves are encoded as the browser's encoder does it and the joined file is checked against the
// halves decoded on their own and stacked (jpeg-join-testing.ts).

/** Both halves of an RGB picture, each encoded on its own. */
async function halves(pixels: Buffer, width: number, topHeight: number, options: JpegOptions = JPEG) {
  const height = pixels.length / 3 / width;
  const [top, bottom] = await bands(pixels, width, [topHeight, height - topHeight], options);
  return { top: top!, bottom: bottom! };
}

/** Largest channel difference between the joined picture and the stacked halves, away from and at the seam. */
const compare = (top: Buffer, bottom: Buffer, joined: Uint8Array) => compareStacked([top, bottom], joined);

function stuffedBytes(scan: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + 1 < scan.length; i++) if (scan[i] === 0xff && scan[i + 1] === 0) n++;
  return n;
}

describe("joinJpegHalves", () => {
  it("joins a photo's halves into one baseline JPEG whose pixels are the halves', with a restart at the seam", async () => {
    const { top, bottom } = await halves(photoPixels(640, 400, 1), 640, 208);
    const result = joinJpegHalvesDetailed(top, bottom)!;
    expect(result).not.toBeNull();
    // For this picture the bottom's tables lack a few rare symbols of the top's; they get added.
    expect(result.path).toBe("bottom-tables");
    expect(result.addedCodes).toBeGreaterThan(0);
    // Only the top is re-coded; the size stays about the sum of both halves.
    expect(result.recodedBytes).toBe(scanOf(top).length);
    expect(Math.abs(result.jpeg.length - (top.length + bottom.length))).toBeLessThan(0.01 * result.jpeg.length);
    const metadata = await sharp(result.jpeg).metadata();
    expect(metadata).toMatchObject({ format: "jpeg", width: 640, height: 400, isProgressive: false });
    expect(metadata.chromaSubsampling).toBe("4:2:0");
    const { away, seam } = await compare(top, bottom, result.jpeg);
    expect(away).toBe(0);
    expect(seam).toBeLessThanOrEqual(16);
    // DRI with the top's MCU count (40 × 13), RST0 once.
    const dri = Buffer.from(result.jpeg).indexOf(Buffer.from([0xff, 0xdd, 0, 4]));
    expect((result.jpeg[dri + 4]! << 8) | result.jpeg[dri + 5]!).toBe(40 * 13);
    expect(markersIn(scanOf(result.jpeg))).toEqual([0xd0]);
  });

  it("is exact across the seam too when there is no chroma upsampling (4:4:4, greyscale)", async () => {
    const pixels = photoPixels(300, 150, 9);
    const full = await halves(pixels, 300, 80, { ...JPEG, chromaSubsampling: "4:4:4" });
    const joined = joinJpegHalves(full.top, full.bottom)!;
    expect(joined).not.toBeNull();
    expect(await compare(full.top, full.bottom, joined)).toEqual({ away: 0, seam: 0 });

    const part = (top: number, rows: number) =>
      sharp(pixels, { raw: { width: 300, height: 150, channels: 3 } })
        .extract({ left: 0, top, width: 300, height: rows })
        .toColourspace("b-w")
        .jpeg(JPEG)
        .toBuffer();
    const [top, bottom] = await Promise.all([part(0, 80), part(80, 70)]);
    expect((await sharp(top).metadata()).channels).toBe(1);
    const greyJoined = joinJpegHalves(top, bottom)!;
    expect(greyJoined).not.toBeNull();
    expect(await compare(top, bottom, greyJoined)).toEqual({ away: 0, seam: 0 });
  });

  it("builds tables from both halves for a flat top and a noisy bottom, and can be made to for any pair", async () => {
    const width = 320;
    const flat = await rawRgb(await screenshotPng(width, 160));
    const busy = await rawRgb(await noisePng(width, 120));
    const { top, bottom } = await halves(Buffer.concat([flat, busy]), width, 160);
    // The noise's tables are full up to 16 bits; the flat tables would make the noise's codes far longer.
    const joined = joinJpegHalvesDetailed(top, bottom)!;
    expect(joined.path).toBe("union");
    expect(joined.recodedBytes).toBe(scanOf(top).length + scanOf(bottom).length);
    // One set of tables for such different halves costs a few per cent.
    expect(joined.jpeg.length).toBeLessThan(1.1 * (top.length + bottom.length));
    const { away, seam } = await compare(top, bottom, joined.jpeg);
    expect(away).toBe(0);
    expect(seam).toBeLessThanOrEqual(96); // a quarter of a chroma step from white to noise

    const photo = await halves(photoPixels(400, 256, 2), 400, 128);
    expect(joinJpegHalvesDetailed(photo.top, photo.bottom)!.path).not.toBe("union");
    const union = joinJpegHalvesDetailed(photo.top, photo.bottom, { tables: "union" })!;
    expect(union.path).toBe("union");
    expect(union.recodedBytes).toBe(scanOf(photo.top).length + scanOf(photo.bottom).length);
    expect((await compare(photo.top, photo.bottom, union.jpeg)).away).toBe(0);
  });

  it("copies both scans untouched when one half's tables are the other's plus codes (a screenshot)", async () => {
    const { top, bottom } = await halves(await rawRgb(await screenshotPng(800, 600)), 800, 304);
    const joined = joinJpegHalvesDetailed(top, bottom)!;
    expect(joined).toMatchObject({ path: "copied", recodedBytes: 0 });
    expect(joined.addedCodes).toBeGreaterThan(0);
    const scan = Buffer.from(scanOf(joined.jpeg));
    expect(scan.equals(Buffer.concat([scanOf(top), Buffer.from([0xff, 0xd0]), scanOf(bottom)]))).toBe(true);
    const { away, seam } = await compare(top, bottom, joined.jpeg);
    expect(away).toBe(0);
    expect(seam).toBeLessThanOrEqual(16);
  });

  it("splits into a plan that survives postMessage, one scan per worker, and assembly, with the same bytes", async () => {
    const { top, bottom } = await halves(photoPixels(400, 256, 4), 400, 128);
    for (const tables of ["auto", "union"] as const) {
      const whole = joinJpegHalvesDetailed(top, bottom, { tables })!;
      const plan = structuredClone(planJoin(top, bottom, { tables })!);
      expect(plan).toMatchObject({ path: whole.path, recodedBytes: whole.recodedBytes });
      const topScan = joinScan(top, plan, "top")!;
      const bottomScan = joinScan(bottom, plan, "bottom")!;
      expect(Buffer.from(assembleJoin(plan, topScan, bottomScan)).equals(whole.jpeg)).toBe(true);
    }
  });

  it("reads and writes byte-stuffed data (FF 00) correctly", async () => {
    const { top, bottom } = await halves(await rawRgb(await noisePng(256, 96, 11)), 256, 48);
    expect(stuffedBytes(scanOf(top))).toBeGreaterThan(10);
    expect(stuffedBytes(scanOf(bottom))).toBeGreaterThan(10);
    for (const tables of ["auto", "union"] as const) {
      const joined = joinJpegHalvesDetailed(top, bottom, { tables })!;
      expect(joined.recodedBytes).toBeGreaterThan(0);
      expect(stuffedBytes(scanOf(joined.jpeg))).toBeGreaterThan(20);
      expect((await compare(top, bottom, joined.jpeg)).away).toBe(0);
    }
  });

  it("gives null for halves it cannot join, and leaves the inputs untouched", async () => {
    const pixels = photoPixels(256, 160, 5);
    const { top, bottom } = await halves(pixels, 256, 96);
    const copy = Buffer.from(top);
    expect(joinJpegHalves(top, bottom)).not.toBeNull();
    expect(top.equals(copy)).toBe(true);

    const narrow = await halves(photoPixels(240, 160, 5), 240, 96);
    expect(joinJpegHalves(top, narrow.bottom)).toBeNull(); // widths differ
    const q60 = await halves(pixels, 256, 96, { ...JPEG, quality: 60 });
    expect(joinJpegHalves(top, q60.bottom)).toBeNull(); // quantisation differs
    const progressive = await halves(pixels, 256, 96, { ...JPEG, progressive: true });
    expect(joinJpegHalves(progressive.top, progressive.bottom)).toBeNull();
    const s444 = await halves(pixels, 256, 96, { ...JPEG, chromaSubsampling: "4:4:4" });
    expect(joinJpegHalves(top, s444.bottom)).toBeNull(); // sampling differs
    const odd = await halves(pixels, 256, 88);
    expect(joinJpegHalves(odd.top, odd.bottom)).toBeNull(); // 88 is not a multiple of the 16-row MCU
    const tall = await halves(pixels, 256, 64); // the bottom has more MCU rows than the top's interval
    expect(joinJpegHalves(tall.top, tall.bottom)).toBeNull();

    const sos = Buffer.from(top).indexOf(Buffer.from([0xff, 0xda]));
    const withDri = Buffer.concat([top.subarray(0, sos), Buffer.from([0xff, 0xdd, 0, 4, 0, 8]), top.subarray(sos)]);
    expect(joinJpegHalves(withDri, bottom)).toBeNull();
    const noRestarts = Buffer.concat([top.subarray(0, sos), Buffer.from([0xff, 0xdd, 0, 4, 0, 0]), top.subarray(sos)]);
    expect(joinJpegHalves(noRestarts, bottom)).not.toBeNull(); // a DRI of 0 means no restarts

    expect(joinJpegHalves(top.subarray(0, top.length - 100), bottom)).toBeNull(); // no EOI
    expect(joinJpegHalves(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), bottom)).toBeNull();
    expect(
      joinJpegHalves(
        await sharp(pixels, { raw: { width: 256, height: 160, channels: 3 } })
          .png()
          .toBuffer(),
        bottom,
      ),
    ).toBeNull();
    // Scan data that runs out before the last MCU.
    const bottomScan = scanOf(bottom);
    const short = Buffer.concat([
      bottom.subarray(0, bottomScan.byteOffset + bottomScan.length / 2),
      Buffer.from([0xff, 0xd9]),
    ]);
    expect(joinJpegHalvesDetailed(top, short, { tables: "union" })).toBeNull();
  });

  it("keeps the restart interval within 16 bits", async () => {
    const flat = (height: number) =>
      sharp({ create: { width: 2048, height, channels: 3, background: "#8ac" } })
        .jpeg({ ...JPEG, chromaSubsampling: "4:4:4" })
        .toBuffer();
    const bottom = await flat(8);
    expect(joinJpegHalves(await flat(2040), bottom)).not.toBeNull(); // 256 × 255 MCUs
    expect(joinJpegHalves(await flat(2048), bottom)).toBeNull(); // 256 × 256 = 65536
  });

  it("matches the stacked halves for any width, split and content", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 16, max: 600 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 160 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom("photo", "flat-top", "noise-bottom"),
        fc.integer({ min: 40, max: 95 }),
        async (width, topRows, bottomRows, seed, content, quality) => {
          const topHeight = topRows * 16;
          const bottomHeight = Math.min(bottomRows, topHeight);
          const height = topHeight + bottomHeight;
          let pixels = photoPixels(width, height, seed);
          if (content === "flat-top") {
            pixels = Buffer.concat([
              await rawRgb(await screenshotPng(width, topHeight)),
              pixels.subarray(width * topHeight * 3),
            ]);
          } else if (content === "noise-bottom") {
            pixels = Buffer.concat([
              pixels.subarray(0, width * topHeight * 3),
              await rawRgb(await noisePng(width, bottomHeight, seed)),
            ]);
          }
          const { top, bottom } = await halves(pixels, width, topHeight, { ...JPEG, quality });
          for (const tables of ["auto", "union"] as const) {
            const joined = joinJpegHalvesDetailed(top, bottom, { tables });
            expect(joined).not.toBeNull();
            expect((await compare(top, bottom, joined!.jpeg)).away).toBe(0);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

/** Run/size symbols an 8-bit baseline AC table may hold (sizes up to 10). */
const AC_SYMBOLS = Array.from({ length: 176 }, (_, i) => (Math.floor(i / 11) << 4) | (i % 11));

/** A random valid table: a binary tree grown by splitting random leaves, one deepest leaf left unused. */
const tableArb = fc
  .tuple(fc.integer({ min: 1, max: 120 }), fc.array(fc.nat(), { minLength: 130, maxLength: 130 }), fc.nat())
  .map(([n, choices, shift]): HuffmanTable => {
    let leaves = [0];
    for (let i = 0; leaves.length < n + 1 && i < choices.length; i++) {
      const at = choices[i]! % leaves.length;
      if (leaves[at]! >= 16) continue;
      leaves = [...leaves.slice(0, at), leaves[at]! + 1, leaves[at]! + 1, ...leaves.slice(at + 1)];
    }
    leaves.sort((a, b) => a - b).pop(); // the all-ones code stays unused
    const counts = new Uint8Array(16);
    for (const len of leaves) counts[len - 1]!++;
    const symbols = Uint8Array.from(leaves, (_, i) => AC_SYMBOLS[(i * 37 + shift) % AC_SYMBOLS.length]!);
    return { counts, symbols };
  });

/** Code words of a table by symbol, via the same DHT reader the joiner uses (which rejects bad tables). */
function codesOf(table: HuffmanTable): Map<number, string> | null {
  const segment = new Uint8Array([0x11, ...table.counts, ...table.symbols]);
  const into: (HuffmanTable | undefined)[] = [];
  if (!readDht(segment, 0, segment.length, into)) return null;
  const codes = new Map<number, string>();
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < table.counts[len - 1]!; i++)
      codes.set(table.symbols[k++]!, (code++).toString(2).padStart(len, "0"));
    code <<= 1;
  }
  return [...codes.values()].some((c) => /^1+$/.test(c)) ? null : codes;
}

describe("Huffman tables for two halves or more parts", () => {
  it("extends a table with the symbols of one or more others without changing its codes, or says it cannot", () => {
    fc.assert(
      fc.property(tableArb, fc.array(tableArb, { minLength: 1, maxLength: 3 }), (base, others) => {
        const baseCodes = codesOf(base)!;
        expect(baseCodes).not.toBeNull();
        const extended = extendTable(base, ...others);
        const wanted = new Set(others.flatMap((t) => [...t.symbols]));
        if (!extended) {
          // Refused only when the free code space cannot hold the missing symbols.
          const missing = [...wanted].filter((s) => !baseCodes.has(s));
          let used = 0;
          for (const code of baseCodes.values()) used += 2 ** (16 - code.length);
          expect(used + missing.length + 1).toBeGreaterThan(2 ** 16);
          return;
        }
        const codes = codesOf(extended)!;
        expect(codes).not.toBeNull();
        for (const [symbol, code] of baseCodes) expect(codes.get(symbol)).toBe(code);
        for (const symbol of wanted) expect(codes.has(symbol)).toBe(true);
        expect(extended.symbols.length).toBe(new Set([...baseCodes.keys(), ...wanted]).size);
      }),
    );
  });

  it("builds a union table that is a valid code for the symbols of both", () => {
    fc.assert(
      fc.property(tableArb, tableArb, fc.nat(1000), fc.nat(1000), (a, b, wa, wb) => {
        const codes = codesOf(unionTable(a, wa, b, wb))!;
        expect(codes).not.toBeNull();
        expect(new Set(codes.keys())).toEqual(new Set([...a.symbols, ...b.symbols]));
      }),
    );
  });

  it("builds a union table of up to eight tables that is a valid code for the symbols of all", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(tableArb, fc.nat(100_000)), { minLength: 1, maxLength: 8 }), (weighted) => {
        const tables = weighted.map(([t]) => t);
        const codes = codesOf(
          unionTables(
            tables,
            weighted.map(([, w]) => w),
          ),
        )!;
        expect(codes).not.toBeNull();
        expect(new Set(codes.keys())).toEqual(new Set(tables.flatMap((t) => [...t.symbols])));
      }),
    );
  });

  it("re-codes scan data into 16-bit codes and back to the same bytes, big magnitudes included", async () => {
    // Quality 100, tiles of three brightnesses with steps inside blocks, plus noise: DC differences and AC
    // coefficients of 10 bits, written behind 16-bit codes (the 16 + 10 bits path of the writer).
    const noise = await rawRgb(await noisePng(64, 48, 3));
    noise.forEach((v, i) => {
      const x = (((i / 3) % 64) + 4) >> 3; // tiles straddle blocks: steps inside them
      const y = Math.floor(i / 3 / 64) >> 3;
      noise[i] = ((x * 7 + y * 5) % 3) * 110 + (v >> 3);
    });
    const jpeg = await sharp(noise, { raw: { width: 64, height: 48, channels: 3 } })
      .jpeg({ ...JPEG, quality: 100 })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).chromaSubsampling).toBe("4:2:0");
    const tables: (HuffmanTable | undefined)[] = new Array(SLOTS);
    for (let p = 2; jpeg[p + 1] !== 0xda; p += 2 + ((jpeg[p + 2]! << 8) | jpeg[p + 3]!)) {
      if (jpeg[p + 1] === 0xc4)
        expect(readDht(jpeg, p + 4, p + 2 + ((jpeg[p + 2]! << 8) | jpeg[p + 3]!), tables)).toBe(true);
    }
    expect(tables[0]!.symbols.some((s) => s >= 10)).toBe(true);
    expect(tables[4]!.symbols.some((s) => (s & 15) >= 10)).toBe(true);
    const long = tables.map(
      (t) =>
        t && {
          counts: Uint8Array.from({ length: 16 }, (_, i) => (i === 15 ? t.symbols.length : 0)),
          symbols: t.symbols,
        },
    );
    const layout = { dcSlots: Int32Array.from([0, 0, 0, 0, 1, 1]), acSlots: Int32Array.from([4, 4, 4, 4, 5, 5]) };
    const scan = scanOf(jpeg);
    const there = new ByteSink(16);
    expect(recode(jpeg, scan.byteOffset - jpeg.byteOffset, jpeg.length - 2, 12, layout, tables, long, there)).toBe(
      true,
    );
    expect(there.length).toBeGreaterThan(scan.length);
    const back = new ByteSink(16);
    expect(recode(there.bytes, 0, there.length, 12, layout, long, tables, back)).toBe(true);
    expect(Buffer.from(back.bytes.subarray(0, back.length)).equals(scan)).toBe(true);
    // One MCU more than the data holds: it runs out.
    expect(
      recode(jpeg, scan.byteOffset - jpeg.byteOffset, jpeg.length - 2, 13, layout, tables, long, new ByteSink(16)),
    ).toBe(false);
  });
});
