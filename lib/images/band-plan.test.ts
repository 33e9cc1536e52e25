import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bandOf, MCU_ROWS, planParts, type Band, type Crop, type Size } from "./band-plan";

const decoded = { width: 2500, height: 1875 }; // a 4000×3000 photo decoded at 5/8
const output = { width: 2048, height: 1536 };

/** Two parts as crops of one frame, as shrink-jpeg.ts makes them when it cannot decode by halves. */
function planBands(decoded: Size, output: Size, rotation: number, opposite = false) {
  const plan = planParts(decoded, output, 2);
  if (!plan) return null;
  const bands = plan.parts.map((p) => bandOf(decoded, output.width, p.source, p.rows, rotation, opposite));
  return { cut: plan.rows, bands: bands as [Band, Band] };
}

/** The frame as displayed under `rotation`. */
const shown = (size: Size, rotation: number): Size =>
  rotation % 180 === 0 ? size : { width: size.height, height: size.width };

/** The displayed pixels a band's crop covers, as a set of rows or columns (crops always span the other axis). */
function covered(crop: Crop, frame: Size): { axis: "rows" | "columns"; from: number; to: number } {
  if (crop.sw === frame.width) return { axis: "rows", from: crop.sy, to: crop.sy + crop.sh };
  expect(crop.sh).toBe(frame.height);
  return { axis: "columns", from: crop.sx, to: crop.sx + crop.sw };
}

describe("planParts", () => {
  it("cuts a 12 MP photo in four equal parts of whole MCU rows, at the nearest source rows", () => {
    const plan = planParts(decoded, output, 4)!;
    expect(plan.rows).toBe(384);
    expect(plan.parts).toEqual([
      { source: [0, 469], rows: 384 },
      { source: [469, 938], rows: 384 },
      { source: [938, 1406], rows: 384 },
      { source: [1406, 1875], rows: 384 },
    ]);
  });

  it("tiles the decoded rows and the output rows exactly, for any count and size", () => {
    const cases = fc.record({
      width: fc.integer({ min: 16, max: 4000 }),
      height: fc.integer({ min: 512, max: 4000 }),
      grow: fc.double({ min: 1, max: 2.5, noNaN: true }),
      count: fc.integer({ min: 2, max: 6 }),
    });
    fc.assert(
      fc.property(cases, ({ width, height, grow, count }) => {
        const from = { width: Math.ceil(width * grow), height: Math.ceil(height * grow) };
        const plan = planParts(from, { width, height }, count);
        // Only a part too wide for a 16-bit restart interval refuses these.
        if (!plan)
          return expect(Math.ceil(width / MCU_ROWS) * Math.ceil(height / count / MCU_ROWS)).toBeGreaterThan(0xffff);
        expect(plan.parts).toHaveLength(count);
        expect(plan.parts[0]!.source[0]).toBe(0);
        expect(plan.parts.at(-1)!.source[1]).toBe(from.height);
        for (let k = 1; k < count; k++) expect(plan.parts[k]!.source[0]).toBe(plan.parts[k - 1]!.source[1]);
        expect(plan.parts.reduce((sum, p) => sum + p.rows, 0)).toBe(height);
        for (const part of plan.parts.slice(0, -1)) expect(part.rows).toBe(plan.rows);
        const last = plan.parts.at(-1)!;
        expect(last.rows).toBeGreaterThan(0);
        expect(last.rows).toBeLessThanOrEqual(plan.rows);
        expect(last.rows).toBeGreaterThanOrEqual(plan.rows - count * MCU_ROWS);
        expect(plan.rows % MCU_ROWS).toBe(0);
        for (const part of plan.parts) expect(part.source[1]).toBeGreaterThan(part.source[0]);
      }),
      { numRuns: 500 },
    );
  });
});

describe("planBands", () => {
  it("cuts a 12 MP photo on an MCU row just below the middle, where the source row is nearly whole", () => {
    const plan = planBands(decoded, output, 0)!;
    expect(plan.cut).toBe(784); // 784 × 1875/1536 = 957.03
    expect(plan.cut % MCU_ROWS).toBe(0);
    const [top, bottom] = plan.bands;
    expect(top).toEqual({ crop: { sx: 0, sy: 0, sw: 2500, sh: 957 }, size: { width: 2048, height: 784 }, rows: 784 });
    expect(bottom).toEqual({
      crop: { sx: 0, sy: 957, sw: 2500, sh: 918 },
      size: { width: 2048, height: 752 },
      rows: 752,
    });
  });

  it("turns the stored bands into displayed columns or flipped rows for rotated photos", () => {
    // EXIF 6 (shown turned 90° clockwise): the stored top is the shown right-hand side.
    const [top90, bottom90] = planBands(decoded, output, 90)!.bands;
    expect(top90.crop).toEqual({ sx: 1875 - 957, sy: 0, sw: 957, sh: 2500 });
    expect(top90.size).toEqual({ width: 784, height: 2048 });
    expect(bottom90.crop).toEqual({ sx: 0, sy: 0, sw: 918, sh: 2500 });
    // EXIF 8 (270°): the stored top is the shown left-hand side.
    const [top270] = planBands(decoded, output, 270)!.bands;
    expect(top270.crop).toEqual({ sx: 0, sy: 0, sw: 957, sh: 2500 });
    // EXIF 3 (180°): the stored top is shown at the bottom.
    const [top180, bottom180] = planBands(decoded, output, 180)!.bands;
    expect(top180.crop).toEqual({ sx: 0, sy: 1875 - 957, sw: 2500, sh: 957 });
    expect(bottom180.crop).toEqual({ sx: 0, sy: 0, sw: 2500, sh: 918 });
  });

  it("reflects the crops across the cut axis for a browser that reads turned crops from the other side", () => {
    for (const rotation of [0, 90, 180, 270]) {
      const spec = planBands(decoded, output, rotation)!.bands;
      const other = planBands(decoded, output, rotation, true)!.bands;
      const frame = shown(decoded, rotation);
      for (const i of [0, 1]) {
        const [a, b] = [spec[i]!.crop, other[i]!.crop];
        if (rotation % 180 === 0) expect(b).toEqual({ ...a, sy: frame.height - a.sy - a.sh });
        else expect(b).toEqual({ ...a, sx: frame.width - a.sx - a.sw });
        expect(other[i]!.size).toEqual(spec[i]!.size);
      }
    }
  });

  it("does not cut small pictures or upscales", () => {
    expect(planBands({ width: 800, height: 500 }, { width: 640, height: 400 }, 0)).toBeNull();
    expect(planBands({ width: 2000, height: 1500 }, output, 0)).toBeNull();
  });

  it("does not split when the top band's MCUs would overflow a 16-bit restart interval", () => {
    // 6000 px wide: 375 MCUs a row; the top band of 6000 rows has 188 MCU rows: 70,500 MCUs.
    expect(planBands({ width: 7500, height: 7500 }, { width: 6000, height: 6000 }, 0)).toBeNull();
    expect(planBands({ width: 7500, height: 5000 }, { width: 6000, height: 4000 }, 0)).not.toBeNull();
  });

  it("always tiles the frame exactly, with whole MCU rows on top and a bottom band no larger", () => {
    const sizes = fc
      .record({
        width: fc.integer({ min: 16, max: 4000 }),
        height: fc.integer({ min: 512, max: 4000 }),
        grow: fc.double({ min: 1, max: 2.5, noNaN: true }),
        rotation: fc.constantFrom(0, 90, 180, 270),
        opposite: fc.boolean(),
      })
      .map(({ width, height, grow, rotation, opposite }) => ({
        output: { width, height },
        decoded: { width: Math.ceil(width * grow), height: Math.ceil(height * grow) },
        rotation,
        opposite,
      }));
    fc.assert(
      fc.property(sizes, ({ output, decoded, rotation, opposite }) => {
        const plan = planBands(decoded, output, rotation, opposite);
        if (!plan) return; // only the restart-interval limit refuses these
        const { cut, bands } = plan;
        expect(cut % MCU_ROWS).toBe(0);
        expect(cut).toBeGreaterThanOrEqual(output.height / 2);
        expect(bands[0].rows + bands[1].rows).toBe(output.height);
        expect(bands[0].rows).toBe(cut);
        const frame = shown(decoded, rotation);
        const spans = bands.map((b: Band) => covered(b.crop, frame));
        expect(spans[0]!.axis).toBe(spans[1]!.axis);
        const [a, b] = [...spans].sort((x, y) => x.from - y.from);
        expect(a!.from).toBe(0);
        expect(a!.to).toBe(b!.from);
        expect(b!.to).toBe(spans[0]!.axis === "rows" ? frame.height : frame.width);
        for (const band of bands) {
          // The shrunk band is the output's width by its rows, turned as the frame is.
          const stored = rotation % 180 === 0 ? band.size : { width: band.size.height, height: band.size.width };
          expect(stored).toEqual({ width: output.width, height: band.rows });
          expect(band.crop.sw).toBeGreaterThan(0);
          expect(band.crop.sh).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
