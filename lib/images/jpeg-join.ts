// Two JPEGs of the same width, a top half and a bottom half, joined into one without decoding a pixel, so a
// photo can be encoded as two halves in two workers at once. The joined file is the top's headers with the
// summed height, then the top's scan, a restart marker, and the bottom's scan. A restart resets the DC
// predictors to 0, which is exactly how the bottom was encoded on its own, so its coefficients stay as they
// are; only the Huffman codes may need re-writing, because an optimising encoder (Chromium's libjpeg-turbo,
// sharp's mozjpeg) gives each half tables of its own and a scan has one set (jpeg-huffman*.ts).
// Anything this does not fully understand gives null, and the caller encodes the whole picture instead.
import {
  codeGrowth,
  extendTable,
  readDht,
  sameCodes,
  SLOTS,
  unionTable,
  writeDht,
  type HuffmanTable,
} from "./jpeg-huffman";
import { ByteSink, recode, type McuLayout } from "./jpeg-huffman-recode";

/**
 * How the tables were settled: "copied" when neither half needed re-coding (the same tables, or one half's
 * are the other's plus codes for more symbols — common for screenshots), one half's tables kept (codes
 * added for the other's extra symbols) and the other half re-coded, or tables built from both.
 */
export type JoinPath = "copied" | "top-tables" | "bottom-tables" | "union";

export type JoinResult = {
  jpeg: Uint8Array;
  path: JoinPath;
  /** Bytes of scan data decoded and written again (the rest was copied). */
  recodedBytes: number;
  /** Codes added to the kept half's tables for symbols only the other half uses. */
  addedCodes: number;
};

/** "union" skips keeping either half's tables, to compare or test the fallback. */
export type JoinOptions = { tables?: "auto" | "union" };

/** Keeping one half's tables may lengthen the other half's Huffman codes by this share at most (per table). */
const MAX_GROWTH = 0.03;

type Component = { id: number; h: number; v: number; tq: number };

type Parsed = {
  width: number;
  height: number;
  /** Offset of the SOF0 marker. */
  sof: number;
  components: Component[];
  /** DQT tables by id: precision/id byte and values, compared byte for byte. */
  quant: (Uint8Array | undefined)[];
  huffman: (HuffmanTable | undefined)[];
  /** Header segments the joined file keeps (APPn, COM, DQT, SOF), as [start, end) offsets; DHT is rewritten. */
  keep: [number, number][];
  sos: Uint8Array;
  /** The scan's components in order, with their DC and AC table slots. */
  scan: { id: number; dc: number; ac: number }[];
  dataStart: number;
  dataEnd: number;
};

const u16 = (b: Uint8Array, p: number) => (b[p]! << 8) | b[p + 1]!;

/** The structure of a baseline, single-scan JPEG without restart markers, or null for anything else. */
function parse(bytes: Uint8Array): Parsed | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const quant: (Uint8Array | undefined)[] = [];
  const huffman: (HuffmanTable | undefined)[] = new Array(SLOTS);
  const keep: [number, number][] = [];
  let frame: Pick<Parsed, "width" | "height" | "sof" | "components"> | null = null;
  let p = 2;
  for (;;) {
    if (p + 4 > bytes.length || bytes[p] !== 0xff) return null;
    const marker = bytes[p + 1]!;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) return null;
    const end = p + 2 + u16(bytes, p + 2);
    if (end > bytes.length || end < p + 4) return null;
    const body = p + 4;
    if (marker === 0xc0) {
      const nf = bytes[body + 5]!;
      if (frame || bytes[body] !== 8 || nf < 1 || nf > 4 || end !== body + 6 + 3 * nf) return null;
      const components: Component[] = [];
      for (let i = 0; i < nf; i++) {
        const c = body + 6 + 3 * i;
        const h = bytes[c + 1]! >> 4;
        const v = bytes[c + 1]! & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4 || bytes[c + 2]! > 3) return null;
        components.push({ id: bytes[c]!, h, v, tq: bytes[c + 2]! });
      }
      frame = { height: u16(bytes, body + 1), width: u16(bytes, body + 3), sof: p, components };
      if (frame.width === 0 || frame.height === 0) return null; // height 0: given later by DNL
      keep.push([p, end]);
    } else if (marker === 0xc4) {
      if (!readDht(bytes, body, end, huffman)) return null;
    } else if (marker === 0xdb) {
      let q = body;
      while (q < end) {
        const size = 1 + (bytes[q]! >> 4 ? 128 : 64);
        if (bytes[q]! >> 4 > 1 || (bytes[q]! & 15) > 3 || q + size > end) return null;
        quant[bytes[q]! & 15] = bytes.subarray(q, q + size);
        q += size;
      }
      keep.push([p, end]);
    } else if (marker === 0xdd) {
      if (u16(bytes, body) !== 0) return null; // restart markers of its own
    } else if (marker === 0xda) {
      if (!frame) return null;
      const ns = bytes[body]!;
      if (end !== body + 4 + 2 * ns) return null;
      const scan: Parsed["scan"] = [];
      for (let i = 0; i < ns; i++) {
        const c = body + 1 + 2 * i;
        scan.push({ id: bytes[c]!, dc: bytes[c + 1]! >> 4, ac: 4 + (bytes[c + 1]! & 15) });
      }
      if (bytes[end - 3] !== 0 || bytes[end - 2] !== 63 || bytes[end - 1] !== 0) return null; // not sequential
      // The entropy-coded data runs to the first marker; it must be EOI (no restarts, no second scan).
      let q = end;
      for (;;) {
        q = bytes.indexOf(0xff, q);
        if (q < 0 || q + 1 >= bytes.length) return null;
        if (bytes[q + 1] !== 0) break;
        q += 2;
      }
      let m = q + 1;
      while (bytes[m] === 0xff) m++;
      if (bytes[m] !== 0xd9) return null;
      return { ...frame, quant, huffman, keep, sos: bytes.subarray(p, end), scan, dataStart: end, dataEnd: q };
    } else if (marker >= 0xc1 && marker <= 0xcf) {
      return null; // progressive, lossless, arithmetic-coded, hierarchical…
    } else {
      keep.push([p, end]);
    }
    p = end;
  }
}

/** The joined JPEG, or null when the halves cannot be joined this way (then encode the whole picture). */
export function joinJpegHalves(top: Uint8Array, bottom: Uint8Array): Uint8Array | null {
  return joinJpegHalvesDetailed(top, bottom)?.jpeg ?? null;
}

/** joinJpegHalves, also saying which tables it used and how many bytes of scan data it re-coded. */
export function joinJpegHalvesDetailed(
  top: Uint8Array,
  bottom: Uint8Array,
  options: JoinOptions = {},
): JoinResult | null {
  const plan = planJoin(top, bottom, options);
  const topScan = plan && joinScan(top, plan, "top");
  const bottomScan = plan && joinScan(bottom, plan, "bottom");
  if (!plan || !topScan || !bottomScan) return null;
  const { path, recodedBytes, addedCodes } = plan;
  return { jpeg: assembleJoin(plan, topScan, bottomScan), path, recodedBytes, addedCodes };
}

/**
 * Everything joining two halves takes that their headers decide, as plain data that can be posted to
 * workers: then each worker re-codes its own half (joinScan) at the same time, and assembleJoin puts the
 * file together. joinJpegHalvesDetailed does the three steps in a row.
 */
export type JoinPlan = Omit<JoinResult, "jpeg"> & {
  /** The joined file up to its scan data: the top's headers with the summed height, tables, DRI, SOS. */
  header: Uint8Array;
  tables: (HuffmanTable | undefined)[];
  layout: McuLayout;
  top: { mcus: number; recode: boolean };
  bottom: { mcus: number; recode: boolean };
};

/** The plan for joining these halves, or null when they cannot be joined this way. */
export function planJoin(top: Uint8Array, bottom: Uint8Array, options: JoinOptions = {}): JoinPlan | null {
  const t = parse(top);
  const b = parse(bottom);
  if (!t || !b || t.width !== b.width || t.height + b.height > 0xffff) return null;
  // Same frame apart from the height, same scan header, same quantisation: only then are the coefficients
  // of both halves interchangeable.
  const sameFrame = (x: Component, i: number) => {
    const y = b.components[i];
    return y !== undefined && x.id === y.id && x.h === y.h && x.v === y.v && x.tq === y.tq;
  };
  if (t.components.length !== b.components.length || !t.components.every(sameFrame)) return null;
  if (t.sos.length !== b.sos.length || !t.sos.every((x, i) => x === b.sos[i])) return null;
  for (const { tq } of t.components) {
    const x = t.quant[tq];
    const y = b.quant[tq];
    if (!x || !y || x.length !== y.length || !x.every((v, i) => v === y[i])) return null;
  }
  const geometry = mcuGeometry(t);
  if (!geometry) return null;
  const { mcuWidth, mcuHeight, layout } = geometry;
  const perRow = Math.ceil(t.width / mcuWidth);
  if (t.height % mcuHeight !== 0) return null;
  const interval = perRow * (t.height / mcuHeight);
  const bottomMcus = perRow * Math.ceil(b.height / mcuHeight);
  if (interval > 0xffff || bottomMcus > interval) return null;

  const slots = [...new Set([...layout.dcSlots, ...layout.acSlots])];
  if (slots.some((s) => !t.huffman[s] || !b.huffman[s])) return null;
  const topBytes = t.dataEnd - t.dataStart;
  const bottomBytes = b.dataEnd - b.dataStart;
  // Keep one half's tables, adding codes for the symbols only the other half uses, and re-code the other
  // half: the smaller one when its tables fit. Tables built for both (both halves re-coded, twice the work)
  // are the fallback when neither half's tables have room for the other's symbols or would make the other
  // half's codes much longer (a flat top's tables for a noisy bottom: half as big again).
  const chosen: (HuffmanTable | undefined)[] = new Array(SLOTS);
  let kept: Parsed | null = null;
  let addedCodes = 0;
  const halves = bottomBytes <= topBytes ? ([t, b] as const) : ([b, t] as const);
  for (const [keep, other] of options.tables === "union" ? [] : [halves, [halves[1], halves[0]] as const]) {
    const tables = slots.map((s) => extendTable(keep.huffman[s]!, other.huffman[s]!));
    if (tables.some((x, i) => !x || codeGrowth(x, other.huffman[slots[i]!]!) > MAX_GROWTH)) continue;
    slots.forEach((s, i) => {
      chosen[s] = tables[i]!;
      addedCodes += tables[i]!.symbols.length - keep.huffman[s]!.symbols.length;
    });
    kept = keep;
    break;
  }
  if (!kept) {
    for (const s of slots) {
      const x = t.huffman[s]!;
      const y = b.huffman[s]!;
      chosen[s] = sameCodes(x, y) ? x : unionTable(x, topBytes, y, bottomBytes);
    }
  }
  // The kept half's codes are all still there, so its data is copied as it is.
  const recodes = (half: Parsed) => half !== kept && slots.some((s) => !sameCodes(chosen[s]!, half.huffman[s]!));
  const recodeTop = recodes(t);
  const recodeBottom = recodes(b);
  const path: JoinPath =
    !recodeTop && !recodeBottom ? "copied" : kept === t ? "top-tables" : kept === b ? "bottom-tables" : "union";

  const header = new ByteSink(4096);
  header.write(top.subarray(0, 2));
  for (const [start, end] of t.keep) {
    const at = header.length;
    header.write(top.subarray(start, end));
    if (start === t.sof) {
      header.bytes[at + 5] = (t.height + b.height) >> 8;
      header.bytes[at + 6] = (t.height + b.height) & 255;
    }
  }
  header.write(writeDht(chosen));
  header.write(new Uint8Array([0xff, 0xdd, 0, 4, interval >> 8, interval & 255]));
  header.write(t.sos);
  return {
    path,
    recodedBytes: (recodeTop ? topBytes : 0) + (recodeBottom ? bottomBytes : 0),
    addedCodes,
    header: header.bytes.slice(0, header.length),
    tables: chosen,
    layout,
    top: { mcus: interval, recode: recodeTop },
    bottom: { mcus: bottomMcus, recode: recodeBottom },
  };
}

/**
 * One half's scan data for the joined file: re-coded into the plan's tables, or the half's own bytes (a
 * view into `half`). `half` must be the bytes the plan was made from. Null when its data does not decode.
 */
export function joinScan(half: Uint8Array, plan: JoinPlan, which: "top" | "bottom"): Uint8Array | null {
  const parsed = parse(half);
  if (!parsed) return null;
  const { mcus, recode: again } = plan[which];
  if (!again) return half.subarray(parsed.dataStart, parsed.dataEnd);
  const sink = new ByteSink(Math.ceil((parsed.dataEnd - parsed.dataStart) * 1.1) + 4096); // rarely has to grow
  const ok = recode(half, parsed.dataStart, parsed.dataEnd, mcus, plan.layout, parsed.huffman, plan.tables, sink);
  return ok ? sink.bytes.subarray(0, sink.length) : null;
}

/** The joined JPEG: header, the top's scan data, RST0, the bottom's, EOI. */
export function assembleJoin(plan: JoinPlan, topScan: Uint8Array, bottomScan: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(plan.header.length + topScan.length + 2 + bottomScan.length + 2);
  out.set(plan.header);
  out.set(topScan, plan.header.length);
  out.set([0xff, 0xd0], plan.header.length + topScan.length);
  out.set(bottomScan, plan.header.length + topScan.length + 2);
  out.set([0xff, 0xd9], out.length - 2);
  return out;
}

/**
 * MCU size in pixels and which tables its blocks use. An interleaved scan's MCU holds h × v blocks of each
 * component in turn; a one-component scan is not interleaved and its MCU is a single 8×8 block.
 */
function mcuGeometry(f: Parsed): { mcuWidth: number; mcuHeight: number; layout: McuLayout } | null {
  const { components, scan } = f;
  if (scan.length !== components.length || scan.some((s) => s.dc > 3 || s.ac > 7)) return null;
  const dc: number[] = [];
  const ac: number[] = [];
  for (const s of scan) {
    const c = components.find((x) => x.id === s.id);
    if (!c || scan.filter((x) => x.id === s.id).length !== 1) return null;
    const blocks = components.length === 1 ? 1 : c.h * c.v;
    for (let i = 0; i < blocks; i++) {
      dc.push(s.dc);
      ac.push(s.ac);
    }
  }
  if (dc.length > 10) return null; // the standard's limit per MCU
  const single = components.length === 1;
  return {
    mcuWidth: single ? 8 : 8 * Math.max(...components.map((c) => c.h)),
    mcuHeight: single ? 8 : 8 * Math.max(...components.map((c) => c.v)),
    layout: { dcSlots: Int32Array.from(dc), acSlots: Int32Array.from(ac) },
  };
}
