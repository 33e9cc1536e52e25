// Re-coding a scan's entropy-coded data from one set of Huffman tables to another without touching a
// coefficient: each symbol is decoded with the table it was written with and written again with the other
// table's code; the magnitude bits behind it are copied as they are. This is the only part of joining two
// JPEGs whose cost grows with the picture, so it works on typed arrays and local variables only.
import { codeWords, SLOTS, type HuffmanTable } from "./jpeg-huffman";

/** Codes up to this long decode with one table look-up; longer ones (rare in optimised tables) walk lengths. */
const LOOKUP_BITS = 10;

/** Growable output; the re-coder writes into `bytes` directly and calls `ensure` between MCUs. */
export class ByteSink {
  bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  ensure(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + more));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }
  write(chunk: Uint8Array): void {
    this.ensure(chunk.length);
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }
}

/** Which table each block of an MCU uses, in scan order (Y blocks, then Cb, then Cr for 4:2:0). */
export type McuLayout = { dcSlots: Int32Array; acSlots: Int32Array };

/**
 * Re-codes `mcuCount` MCUs of entropy-coded data (`src[start, end)`, byte-stuffed, no markers inside) from
 * the `from` tables to the `to` tables, appending to `sink` and padding the last byte with 1-bits. False
 * when the data does not decode (a code no table has, a block past 64 coefficients, data running out).
 */
export function recode(
  src: Uint8Array,
  start: number,
  end: number,
  mcuCount: number,
  layout: McuLayout,
  from: readonly (HuffmanTable | undefined)[],
  to: readonly (HuffmanTable | undefined)[],
  sink: ByteSink,
): boolean {
  // All tables flattened into typed arrays indexed by slot, so the loop below touches nothing else.
  const lookup = new Int32Array(SLOTS << LOOKUP_BITS); // length << 8 | symbol; 0: longer than LOOKUP_BITS
  const lookupWord = new Int32Array(SLOTS << LOOKUP_BITS); // the same symbol's code in `to`, as in `encode`
  const maxCode = new Int32Array(SLOTS * 18).fill(-1); // per length, the largest code (-1: none)
  const valOffset = new Int32Array(SLOTS * 18); // per length, index of its first symbol minus its first code
  const values = new Uint8Array(SLOTS * 256);
  const encode = new Int32Array(SLOTS * 256); // length << 16 | code; 0: no code for this symbol
  for (let slot = 0; slot < SLOTS; slot++) {
    const f = from[slot];
    const t = to[slot];
    if (!f || !t) continue;
    const fw = codeWords(f)!;
    values.set(f.symbols, slot * 256);
    for (let i = 0; i < fw.length; i++) {
      const len = fw[i]! >> 16;
      const code = fw[i]! & 0xffff;
      if (len <= LOOKUP_BITS) {
        const first = (slot << LOOKUP_BITS) | (code << (LOOKUP_BITS - len));
        lookup.fill((len << 8) | f.symbols[i]!, first, first + (1 << (LOOKUP_BITS - len)));
      }
      if (maxCode[slot * 18 + len] === -1) valOffset[slot * 18 + len] = i - code;
      maxCode[slot * 18 + len] = code;
    }
    const tw = codeWords(t)!;
    for (let i = 0; i < tw.length; i++) encode[slot * 256 + t.symbols[i]!] = tw[i]!;
    for (let i = slot << LOOKUP_BITS; i < (slot + 1) << LOOKUP_BITS; i++) {
      if (lookup[i] !== 0) lookupWord[i] = encode[slot * 256 + (lookup[i]! & 255)]!;
    }
  }
  const { dcSlots, acSlots } = layout;
  const blocks = dcSlots.length;
  // An MCU writes at most 64 symbols of 16 + 11 bits per block, every byte possibly stuffed.
  const mcuMax = (blocks * 64 * 27 * 2) / 8 + 16;

  let p = start;
  let acc = 0; // input bits, the newest in the low end; only the low `nbits` count
  let nbits = 0;
  let over = 0; // bytes fed in past the end (as 1-bits), to tell padding from running out
  let out = sink.bytes;
  let q = sink.length;
  let wacc = 0; // output bits not yet written, the low `wn` of them
  let wn = 0;

  for (let m = 0; m < mcuCount; m++) {
    if (q + mcuMax > out.length) {
      sink.length = q;
      sink.ensure(mcuMax);
      out = sink.bytes;
    }
    for (let b = 0; b < blocks; b++) {
      let slot = dcSlots[b]!;
      let k = 0;
      for (;;) {
        if (nbits < 16) {
          while (nbits <= 24) {
            let byte = 0xff;
            if (p < end) {
              byte = src[p++]!;
              if (byte === 0xff) p++; // the stuffed 00
            } else over++;
            acc = (acc << 8) | byte;
            nbits += 8;
          }
        }
        const at = (slot << LOOKUP_BITS) | ((acc >>> (nbits - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1));
        let e = lookup[at]!;
        let word = lookupWord[at]!;
        if (e === 0) {
          let len = LOOKUP_BITS + 1;
          let code = (acc >>> (nbits - len)) & ((1 << len) - 1);
          while (code > maxCode[slot * 18 + len]!) {
            if (++len > 16) return false;
            code = (acc >>> (nbits - len)) & ((1 << len) - 1);
          }
          e = (len << 8) | values[slot * 256 + valOffset[slot * 18 + len]! + code]!;
          word = encode[slot * 256 + (e & 255)]!;
        }
        nbits -= e >> 8;
        const symbol = e & 255;
        const size = symbol & 15;
        if (nbits < size) {
          while (nbits <= 24) {
            let byte = 0xff;
            if (p < end) {
              byte = src[p++]!;
              if (byte === 0xff) p++;
            } else over++;
            acc = (acc << 8) | byte;
            nbits += 8;
          }
        }
        nbits -= size;
        if (word === 0) return false; // a symbol `to` has no code for
        const len = word >> 16;
        // Code and magnitude bits in one go when they fit beside the ≤ 7 bits still pending.
        if (len + size <= 25) {
          wacc = (wacc << (len + size)) | ((word & 0xffff) << size) | ((acc >>> nbits) & ((1 << size) - 1));
          wn += len + size;
        } else {
          wacc = (wacc << len) | (word & 0xffff);
          wn += len;
          while (wn >= 8) {
            wn -= 8;
            const byte = (wacc >>> wn) & 255;
            out[q++] = byte;
            if (byte === 0xff) out[q++] = 0;
          }
          wacc = (wacc << size) | ((acc >>> nbits) & ((1 << size) - 1));
          wn += size;
        }
        while (wn >= 8) {
          wn -= 8;
          const byte = (wacc >>> wn) & 255;
          out[q++] = byte;
          if (byte === 0xff) out[q++] = 0;
        }
        if (k === 0) {
          k = 1;
          slot = acSlots[b]!;
        } else if (size !== 0) {
          k += (symbol >> 4) + 1;
          if (k >= 64) {
            if (k > 64) return false;
            break;
          }
        } else if (symbol === 0xf0) {
          k += 16; // sixteen zeros
          if (k >= 64) {
            if (k > 64) return false;
            break;
          }
        } else break; // end of block
      }
    }
  }
  if (over * 8 > nbits) return false;
  if (wn > 0) {
    const byte = ((wacc << (8 - wn)) | ((1 << (8 - wn)) - 1)) & 255;
    out[q++] = byte;
    if (byte === 0xff) out[q++] = 0;
  }
  sink.length = q;
  return true;
}
