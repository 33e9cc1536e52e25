// N JPEGs of the same width, horizontal bands of one picture from top to bottom, joined into one without
// decoding a pixel, so a photo can be encoded in parts by several workers at once. The joined file is the
// first part's headers with the summed height, one set of Huffman tables, a restart interval of one part's
// MCU count, then each part's scan with a restart marker (RST0, RST1, … RST7, RST0, …) between them. A
// restart resets the DC predictors to 0, which is exactly how each part was encoded on its own, so the
// coefficients stay as they are; only the Huffman codes may need re-writing, because an optimising encoder
// (Chromium's libjpeg-turbo, sharp's mozjpeg) gives each part tables of its own and a scan has one set.
// Anything this does not fully understand gives null, and the caller encodes the whole picture instead.
import { codeGrowth, extendTable, sameCodes, SLOTS, unionTables, writeDht, type HuffmanTable } from "./jpeg-huffman";
import { ByteSink, recode, type McuLayout } from "./jpeg-huffman-recode";
import { mcuGeometry, parse, type Component, type Parsed } from "./jpeg-join-parse";

/** "union" skips keeping any part's tables, to compare or test the fallback. */
export type JoinOptions = { tables?: "auto" | "union" };

/** Keeping one part's tables may lengthen another part's Huffman codes by this share at most (per table). */
const MAX_GROWTH = 0.03;

/**
 * Everything joining the parts takes that their headers decide, as plain data that can be posted to
 * workers: then each worker re-codes its own part (joinPartScan) at the same time, and assembleJoinParts
 * puts the file together. The same bytes always give the same plan.
 */
export type JoinPartsPlan = {
  /**
   * How the tables were settled: "copied" when no part needs re-coding (the same tables, or one part's are
   * the others' plus codes for more symbols — common for screenshots), one part's tables kept (codes added
   * for the others' extra symbols) and the others re-coded, or tables built from all parts.
   */
  path: "copied" | "kept" | "union";
  /** The part whose tables were kept (its scan is copied as it is), or null. */
  kept: number | null;
  /** Bytes of scan data to be decoded and written again (the rest is copied). */
  recodedBytes: number;
  /** Codes added to the kept part's tables for symbols only other parts use. */
  addedCodes: number;
  /** The joined file up to its scan data: the first part's headers with the summed height, tables, DRI, SOS. */
  header: Uint8Array;
  tables: (HuffmanTable | undefined)[];
  layout: McuLayout;
  /** MCUs between restart markers: every part's but the last, which may have fewer. */
  interval: number;
  parts: { mcus: number; recode: boolean }[];
};

/**
 * The plan for joining these parts (top to bottom), or null when they cannot be joined this way: fewer
 * than two; different width, sampling, quantisation or scan header; a part but the last that is not a whole
 * number of MCU rows or not as tall as the first; a last part taller than the others; over 65535 rows or
 * 65535 MCUs per part.
 */
export function planJoinParts(parts: readonly Uint8Array[], options: JoinOptions = {}): JoinPartsPlan | null {
  if (parts.length < 2) return null;
  const parsed: Parsed[] = [];
  for (const part of parts) {
    const p = parse(part);
    if (!p) return null;
    parsed.push(p);
  }
  const first = parsed[0]!;
  const last = parsed[parsed.length - 1]!;
  const height = parsed.reduce((sum, p) => sum + p.height, 0);
  if (height > 0xffff || !parsed.every((p) => interchangeable(first, p))) return null;
  const geometry = mcuGeometry(first);
  if (!geometry) return null;
  const { mcuWidth, mcuHeight, layout } = geometry;
  const perRow = Math.ceil(first.width / mcuWidth);
  if (first.height % mcuHeight !== 0) return null;
  for (let i = 1; i < parsed.length - 1; i++) if (parsed[i]!.height !== first.height) return null;
  const interval = perRow * (first.height / mcuHeight);
  const lastMcus = perRow * Math.ceil(last.height / mcuHeight);
  if (interval > 0xffff || lastMcus > interval) return null;

  const slots = [...new Set([...layout.dcSlots, ...layout.acSlots])];
  if (slots.some((s) => parsed.some((p) => !p.huffman[s]))) return null;
  const bytes = parsed.map((p) => p.dataEnd - p.dataStart);
  const { tables, kept, addedCodes } = chooseTables(parsed, bytes, slots, options);
  // The kept part's codes are all still there, so its data is copied as it is.
  const recodes = parsed.map((p, i) => i !== kept && slots.some((s) => !sameCodes(tables[s]!, p.huffman[s]!)));

  const header = new ByteSink(4096);
  header.write(parts[0]!.subarray(0, 2));
  for (const [start, end] of first.keep) {
    const at = header.length;
    header.write(parts[0]!.subarray(start, end));
    if (start === first.sof) {
      header.bytes[at + 5] = height >> 8;
      header.bytes[at + 6] = height & 255;
    }
  }
  header.write(writeDht(tables));
  header.write(new Uint8Array([0xff, 0xdd, 0, 4, interval >> 8, interval & 255]));
  header.write(first.sos);
  return {
    path: !recodes.includes(true) ? "copied" : kept !== null ? "kept" : "union",
    kept,
    recodedBytes: bytes.reduce((sum, b, i) => sum + (recodes[i] ? b : 0), 0),
    addedCodes,
    header: header.bytes.slice(0, header.length),
    tables,
    layout,
    interval,
    parts: recodes.map((recode, i) => ({ mcus: i === parsed.length - 1 ? lastMcus : interval, recode })),
  };
}

/**
 * Same frame apart from the height, same scan header, same quantisation: only then are the coefficients of
 * both parts interchangeable.
 */
function interchangeable(a: Parsed, b: Parsed): boolean {
  if (a.width !== b.width || a.components.length !== b.components.length) return false;
  const same = (x: Component, i: number) => {
    const y = b.components[i]!;
    return x.id === y.id && x.h === y.h && x.v === y.v && x.tq === y.tq;
  };
  if (!a.components.every(same)) return false;
  if (a.sos.length !== b.sos.length || !a.sos.every((x, i) => x === b.sos[i])) return false;
  return a.components.every(({ tq }) => {
    const x = a.quant[tq];
    const y = b.quant[tq];
    return x !== undefined && y !== undefined && x.length === y.length && x.every((v, i) => v === y[i]);
  });
}

/**
 * One part's tables kept, with codes added for the symbols only the others use, so only the others are
 * re-coded: the biggest part's when they fit, else the next biggest's… Tables built from all parts (every
 * part re-coded) are the fallback when no part's tables have room for the others' symbols or would make
 * another part's codes much longer (a flat part's tables for a noisy one: half as big again).
 */
function chooseTables(parsed: readonly Parsed[], bytes: readonly number[], slots: number[], options: JoinOptions) {
  const tables: (HuffmanTable | undefined)[] = new Array(SLOTS);
  // Biggest first; equal sizes in picture order, so the plan depends on nothing but the bytes.
  const order = parsed.map((_, i) => i).sort((i, j) => bytes[j]! - bytes[i]! || i - j);
  let addedCodes = 0;
  for (const keep of options.tables === "union" ? [] : order) {
    const others = order.filter((i) => i !== keep).map((i) => parsed[i]!);
    const extended: HuffmanTable[] = [];
    for (const s of slots) {
      const table = extendTable(parsed[keep]!.huffman[s]!, ...others.map((other) => other.huffman[s]!));
      if (!table || others.some((other) => codeGrowth(table, other.huffman[s]!) > MAX_GROWTH)) break;
      extended.push(table);
    }
    if (extended.length < slots.length) continue;
    slots.forEach((s, i) => {
      tables[s] = extended[i]!;
      addedCodes += extended[i]!.symbols.length - parsed[keep]!.huffman[s]!.symbols.length;
    });
    return { tables, kept: keep, addedCodes };
  }
  for (const s of slots) {
    const own = parsed.map((p) => p.huffman[s]!);
    tables[s] = own.every((t) => sameCodes(t, own[0]!)) ? own[0]! : unionTables(own, bytes);
  }
  return { tables, kept: null, addedCodes };
}

/**
 * Part `index`'s scan data for the joined file: re-coded into the plan's tables, or the part's own bytes (a
 * view into `part`). `part` must be the bytes the plan was made from. Null when its data does not decode.
 */
export function joinPartScan(part: Uint8Array, plan: JoinPartsPlan, index: number): Uint8Array | null {
  const info = plan.parts[index];
  return info ? scanFor(part, plan, info) : null;
}

/** A part's scan for plan tables and layout, re-coded (`recode`) or as it is. */
export function scanFor(
  part: Uint8Array,
  plan: Pick<JoinPartsPlan, "tables" | "layout">,
  { mcus, recode: again }: { mcus: number; recode: boolean },
): Uint8Array | null {
  const parsed = parse(part);
  if (!parsed) return null;
  if (!again) return part.subarray(parsed.dataStart, parsed.dataEnd);
  const sink = new ByteSink(Math.ceil((parsed.dataEnd - parsed.dataStart) * 1.1) + 4096); // rarely has to grow
  const ok = recode(part, parsed.dataStart, parsed.dataEnd, mcus, plan.layout, parsed.huffman, plan.tables, sink);
  return ok ? sink.bytes.subarray(0, sink.length) : null;
}

/** The joined JPEG: header, scan 0, RST0, scan 1, RST1, …, the last scan, EOI. One scan per part, in order. */
export function assembleJoinParts(plan: JoinPartsPlan, scans: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (scans.length !== plan.parts.length) throw new Error(`${scans.length} scans for ${plan.parts.length} parts`);
  return assemble(plan.header, scans);
}

/** Header, the scans with restart markers (cycling RST0…RST7) between them, EOI. */
export function assemble(header: Uint8Array, scans: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(header.length + scans.reduce((sum, s) => sum + s.length + 2, 0));
  out.set(header);
  let p = header.length;
  scans.forEach((scan, i) => {
    out.set(scan, p);
    p += scan.length;
    out[p++] = 0xff;
    out[p++] = i === scans.length - 1 ? 0xd9 : 0xd0 + (i % 8);
  });
  return out;
}
