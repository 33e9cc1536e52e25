// Reading the parts jpeg-join*.ts joins: the structure of a baseline, single-scan JPEG, and the MCU a scan
// is made of. Anything else (progressive, arithmetic-coded, restart markers of its own…) gives null.
import { readDht, SLOTS, type HuffmanTable } from "./jpeg-huffman";
import type { McuLayout } from "./jpeg-huffman-recode";

export type Component = { id: number; h: number; v: number; tq: number };

export type Parsed = {
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

/**
 * The structure of a baseline, single-scan JPEG without restart markers, or null for anything else.
 * `restarts` lets a DRI segment through (for reading a joined file's header, which has one).
 */
export function parse(bytes: Uint8Array, restarts = false): Parsed | null {
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
      if (u16(bytes, body) !== 0 && !restarts) return null; // restart markers of its own
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

/**
 * MCU size in pixels and which tables its blocks use. An interleaved scan's MCU holds h × v blocks of each
 * component in turn; a one-component scan is not interleaved and its MCU is a single 8×8 block.
 */
export function mcuGeometry(f: Parsed): { mcuWidth: number; mcuHeight: number; layout: McuLayout } | null {
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
