// N JPEGs of the same width, horizontal bands of one picture from top to bottom, joined into one without
// decoding a pixel, so a photo can be encoded in parts by several workers at once. The joined file is the
// first part's headers with the summed height, one set of Huffman tables, a restart interval of one part's
// MCU count, then each part's scan with a restart marker (RST0, RST1, … RST7, RST0, …) between them. A
// restart resets the DC predictors to 0, which is exactly how each part was encoded on its own, so the
// coefficients stay as they are; only the Huffman codes may need re-writing, because an optimising encoder
// (Chromium's libjpeg-turbo, sharp's mozjpeg) gives each part tables of its own and a scan has one set.
// Anything this does not fully understand gives null, and the caller encodes the whole picture instead.
import {
  codeGrowth,
  coveringTable,
  extendTable,
  sameCodes,
  SLOTS,
  unionTables,
  writeDht,
  type HuffmanTable,
} from "./jpeg-huffman";
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
  path: "copied" | "kept" | "union" | "covering";
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
  /**
   * Per part: its MCUs, whether its scan is re-coded, and (covering plans, made before every part existed)
   * the rows it must have; joinPartScan then also checks that the part's frame, quantisation and scan header
   * are the plan's.
   */
  parts: { mcus: number; recode: boolean; rows?: number }[];
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

  return {
    path: !recodes.includes(true) ? "copied" : kept !== null ? "kept" : "union",
    kept,
    recodedBytes: bytes.reduce((sum, b, i) => sum + (recodes[i] ? b : 0), 0),
    addedCodes,
    header: joinedHeader(parts[0]!, first, height, tables, interval),
    tables,
    layout,
    interval,
    parts: recodes.map((recode, i) => ({ mcus: i === parsed.length - 1 ? lastMcus : interval, recode })),
  };
}

/**
 * A plan made before every part exists, from the first parts (`first`, top to bottom, k ≥ 1 of them) and the
 * shape of the whole: `count` parts, the parts but the last as tall as the first ones (a whole number of MCU
 * rows), the last `lastRows` rows (at most as tall). Its tables have a code for every symbol a baseline scan
 * can use (coveringTable: code lengths from the given parts' tables weighted by their scan bytes, long codes
 * for symbols none of them uses), so joinPartScan can re-code any part 0..count−1 into them, including the
 * parts not seen yet, as soon as each exists; it checks that those have the plan's frame and height. Every
 * part is re-coded (bar a given part whose tables are already the plan's). Deterministic: the same bytes and
 * shape give the same plan. Null for anything planJoinParts would refuse, so far as the given parts show it,
 * or a shape that does not fit them (count ≤ k, lastRows outside 1..their height, over 65535 rows).
 */
export function planJoinCovering(
  first: readonly Uint8Array[],
  shape: { count: number; lastRows: number },
): JoinPartsPlan | null {
  const { count, lastRows } = shape;
  if (first.length < 1 || !Number.isInteger(count) || count <= first.length) return null;
  const parsed: Parsed[] = [];
  for (const part of first) {
    const p = parse(part);
    if (!p) return null;
    parsed.push(p);
  }
  const top = parsed[0]!;
  if (!parsed.every((p) => interchangeable(top, p) && p.height === top.height)) return null;
  if (!Number.isInteger(lastRows) || lastRows < 1 || lastRows > top.height) return null;
  const height = top.height * (count - 1) + lastRows;
  if (height > 0xffff) return null;
  const geometry = mcuGeometry(top);
  if (!geometry) return null;
  const { mcuWidth, mcuHeight, layout } = geometry;
  if (top.height % mcuHeight !== 0) return null;
  const perRow = Math.ceil(top.width / mcuWidth);
  const interval = perRow * (top.height / mcuHeight);
  if (interval > 0xffff) return null;
  const lastMcus = perRow * Math.ceil(lastRows / mcuHeight);

  const slots = [...new Set([...layout.dcSlots, ...layout.acSlots])];
  if (slots.some((s) => parsed.some((p) => !p.huffman[s]))) return null;
  const bytes = parsed.map((p) => p.dataEnd - p.dataStart);
  const tables: (HuffmanTable | undefined)[] = new Array(SLOTS);
  for (const s of slots) {
    tables[s] = coveringTable(
      parsed.map((p) => p.huffman[s]!),
      bytes,
      s < 4 ? 0 : 1,
    );
  }
  const recodes = Array.from(
    { length: count },
    (_, i) => i >= parsed.length || slots.some((s) => !sameCodes(tables[s]!, parsed[i]!.huffman[s]!)),
  );
  return {
    path: "covering",
    kept: null,
    recodedBytes: bytes.reduce((sum, b, i) => sum + (recodes[i] ? b : 0), 0),
    addedCodes: 0,
    header: joinedHeader(first[0]!, top, height, tables, interval),
    tables,
    layout,
    interval,
    parts: recodes.map((recode, i) => {
      const last = i === count - 1;
      return { mcus: last ? lastMcus : interval, recode, rows: last ? lastRows : top.height };
    }),
  };
}

/** The joined file up to its scan data: the first part's headers with the summed height, tables, DRI, SOS. */
function joinedHeader(
  part: Uint8Array,
  parsed: Parsed,
  height: number,
  tables: readonly (HuffmanTable | undefined)[],
  interval: number,
): Uint8Array {
  const header = new ByteSink(4096);
  header.write(part.subarray(0, 2));
  for (const [start, end] of parsed.keep) {
    const at = header.length;
    header.write(part.subarray(start, end));
    if (start === parsed.sof) {
      header.bytes[at + 5] = height >> 8;
      header.bytes[at + 6] = height & 255;
    }
  }
  header.write(writeDht(tables));
  header.write(new Uint8Array([0xff, 0xdd, 0, 4, interval >> 8, interval & 255]));
  header.write(parsed.sos);
  return header.bytes.slice(0, header.length);
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
  if (!info) return null;
  if (info.rows !== undefined) {
    // A covering plan was made without this part: it must fit the frame the header describes.
    const parsed = parse(part);
    const frame = parse(concat(plan.header, EOI), true);
    if (!parsed || !frame || parsed.height !== info.rows || !interchangeable(frame, parsed)) return null;
  }
  return scanFor(part, plan, info);
}

/**
 * How much longer a part's Huffman codes get when re-coded into the plan's tables, as a share, for the
 * table it suits worst (codeGrowth, estimated from the part's own tables before re-coding it; a small table
 * such as chroma DC can show a few % from one symbol, and magnitude bits do not change, so the scan grows
 * by less; after re-coding, the scan's length against the part's own is the exact figure). With a covering
 * plan, a caller can check a later part the moment it exists and plan from all parts instead
 * (planJoinParts) when the first parts' statistics fit it badly, e.g. a flat sky above a grainy ground
 * (codes 2–3 times as long). Null when the part cannot be read or lacks one of the plan's tables.
 */
export function coveringGrowth(part: Uint8Array, plan: Pick<JoinPartsPlan, "tables" | "layout">): number | null {
  const parsed = parse(part);
  if (!parsed) return null;
  let worst = 0;
  for (const s of new Set([...plan.layout.dcSlots, ...plan.layout.acSlots])) {
    const own = parsed.huffman[s];
    const to = plan.tables[s];
    if (!own || !to) return null;
    worst = Math.max(worst, codeGrowth(to, own));
  }
  return worst;
}

const EOI = new Uint8Array([0xff, 0xd9]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
