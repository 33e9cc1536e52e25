// Huffman tables of baseline JPEG for jpeg-join*.ts: reading and writing DHT, and settling on one set of
// tables for parts that were each encoded with their own optimised tables — one part's tables with codes
// added for the others' extra symbols, or tables built from all. jpeg-huffman-recode.ts then re-writes a
// part's data in the chosen tables.

/** One DHT table: how many codes have each length 1..16, then the symbols in code order. */
export type HuffmanTable = { counts: Uint8Array; symbols: Uint8Array };

/** Where SOS finds a table: class (0 DC, 1 AC) × 4 + id. */
export const SLOTS = 8;

/**
 * The DHT tables in a segment's payload, put into `into` by slot. False when the segment is malformed or a
 * table could not occur in an 8-bit baseline scan (DC sizes ≤ 11, AC sizes ≤ 10) or is not a prefix code.
 */
export function readDht(bytes: Uint8Array, start: number, end: number, into: (HuffmanTable | undefined)[]): boolean {
  let p = start;
  while (p < end) {
    if (p + 17 > end) return false;
    const tableClass = bytes[p]! >> 4;
    const id = bytes[p]! & 15;
    if (tableClass > 1 || id > 3) return false;
    // Copies, not views (a Node Buffer's slice is a view): tables get extended and must not touch the input.
    const counts = new Uint8Array(bytes.subarray(p + 1, p + 17));
    const n = counts.reduce((sum, c) => sum + c, 0);
    if (n > 256 || p + 17 + n > end) return false;
    const symbols = new Uint8Array(bytes.subarray(p + 17, p + 17 + n));
    const table = { counts, symbols };
    const maxSize = tableClass === 0 ? 11 : 10;
    if (!codeWords(table) || symbols.some((s) => (tableClass === 0 ? s : s & 15) > maxSize)) return false;
    into[tableClass * 4 + id] = table;
    p += 17 + n;
  }
  return p === end;
}

/** A DHT segment (marker included) holding the given tables. */
export function writeDht(tables: readonly (HuffmanTable | undefined)[]): Uint8Array {
  const present = tables.flatMap((t, slot) => (t ? [{ t, slot }] : []));
  const length = 2 + present.reduce((sum, { t }) => sum + 17 + t.symbols.length, 0);
  const out = new Uint8Array(2 + length);
  out.set([0xff, 0xc4, length >> 8, length & 255]);
  let p = 4;
  for (const { t, slot } of present) {
    out[p] = ((slot >> 2) << 4) | (slot & 3);
    out.set(t.counts, p + 1);
    out.set(t.symbols, p + 17);
    p += 17 + t.symbols.length;
  }
  return out;
}

/**
 * Canonical code words (length << 16 | code) in symbol order, or null for a table libjpeg would reject as
 * bogus: one whose codes do not fit or that uses an all-ones code.
 */
export function codeWords({ counts, symbols }: HuffmanTable): Int32Array | null {
  const words = new Int32Array(symbols.length);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < counts[len - 1]!; i++) words[k++] = (len << 16) | code++;
    if (code >= 1 << len) return null;
    code <<= 1;
  }
  return words;
}

export function sameCodes(a: HuffmanTable, b: HuffmanTable): boolean {
  return a.counts.every((c, i) => c === b.counts[i]) && a.symbols.every((s, i) => s === b.symbols[i]);
}

/**
 * `base` with codes added for the symbols of `others` it lacks, every code it has left as it is, or null when
 * they do not fit. A canonical code leaves its unused code space after its last code, so new symbols given
 * lengths beyond its longest continue the numbering there; data written with `base` stays valid. The new
 * codes are as short as the space allows (never shorter than in any of `others`), and the 16-bit all-ones code
 * stays unused, as libjpeg leaves it.
 */
export function extendTable(base: HuffmanTable, ...others: HuffmanTable[]): HuffmanTable | null {
  const has = new Uint8Array(256);
  for (const s of base.symbols) has[s] = 1;
  // Each missing symbol once, with its shortest length among `others`; shortest first, then as first seen.
  const shortest = new Uint8Array(256);
  const missing: { symbol: number; len: number }[] = [];
  for (const other of others) {
    const otherWords = codeWords(other)!;
    other.symbols.forEach((symbol, i) => {
      const len = otherWords[i]! >> 16;
      if (has[symbol]) return;
      if (shortest[symbol] === 0) missing.push({ symbol, len });
      if (shortest[symbol] === 0 || len < shortest[symbol]!) shortest[symbol] = len;
    });
  }
  if (missing.length === 0) return base;
  for (const m of missing) m.len = shortest[m.symbol]!;
  missing.sort((a, b) => a.len - b.len); // stable: one table's symbols are in length order already
  let longest = 16;
  while (longest > 0 && base.counts[longest - 1] === 0) longest--;
  let next = 0; // the first unused code of length `longest`
  for (let len = 1; len <= longest; len++) next = (next << 1) + base.counts[len - 1]!;
  let free = (((1 << longest) - next) << (16 - longest)) - 1; // in 16-bit codes
  const counts = new Uint8Array(base.counts);
  let len = longest + 1;
  for (let i = 0; i < missing.length; i++) {
    len = Math.max(len, missing[i]!.len);
    const later = missing.length - 1 - i; // each needs at least one 16-bit code
    while (len <= 16 && (1 << (16 - len)) + later > free) len++;
    if (len > 16) return null;
    counts[len - 1]!++;
    free -= 1 << (16 - len);
  }
  const symbols = new Uint8Array(base.symbols.length + missing.length);
  symbols.set(base.symbols);
  symbols.set(
    missing.map((m) => m.symbol),
    base.symbols.length,
  );
  return { counts, symbols };
}

/**
 * How much longer, as a share, the Huffman codes of data written with `from` get when written with `to`,
 * estimated from `from`'s code lengths (a symbol with an n-bit code occurs about 2^-n of the time).
 * Infinity when `to` lacks one of `from`'s symbols.
 */
export function codeGrowth(to: HuffmanTable, from: HuffmanTable): number {
  const toLength = new Uint8Array(256);
  const toWords = codeWords(to)!;
  to.symbols.forEach((s, i) => (toLength[s] = toWords[i]! >> 16));
  let before = 0;
  let after = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < from.counts[len - 1]!; i++) {
      const s = from.symbols[k++]!;
      if (toLength[s] === 0) return Infinity;
      before += len * 2 ** -len;
      after += toLength[s]! * 2 ** -len;
    }
  }
  return before === 0 ? 0 : after / before - 1;
}

/** unionTables for two tables. */
export function unionTable(a: HuffmanTable, weightA: number, b: HuffmanTable, weightB: number): HuffmanTable {
  return unionTables([a, b], [weightA, weightB]);
}

/**
 * One table with a code for every symbol of all `tables`, for parts weighted by their share of the data
 * (`weights[i]` for `tables[i]`). A table's code lengths say how often its encoder saw each symbol (about
 * 2^-length of the time), so those pseudo-frequencies, summed, go through libjpeg's jpeg_gen_optimal_table:
 * Huffman with one extra symbol that takes the all-ones code (reserved by the standard), then lengths cut
 * down to 16 bits. At most 256 symbols plus the reserved one, so any number of tables fits.
 */
export function unionTables(tables: readonly HuffmanTable[], weights: readonly number[]): HuffmanTable {
  const freq = new Float64Array(257);
  // Smoothed shares, so every symbol of every table counts even when a part's weight is 0.
  const total = weights.reduce((sum, w) => sum + w, 0) + tables.length;
  tables.forEach((t, i) => addPseudoFrequencies(freq, t, (weights[i]! + 1) / total));
  return optimalTable(freq);
}

/** Symbols a baseline 8-bit scan can use: DC categories 0–11; AC end of block, sixteen zeros, run 0–15 × size 1–10. */
export function baselineSymbols(tableClass: 0 | 1): number[] {
  if (tableClass === 0) return Array.from({ length: 12 }, (_, s) => s);
  const symbols = [0x00, 0xf0];
  for (let run = 0; run < 16; run++) for (let size = 1; size <= 10; size++) symbols.push((run << 4) | size);
  return symbols;
}

/**
 * A symbol no part used gets this pseudo-frequency (the parts' pseudo-frequencies sum to about 1), so it
 * gets a long code (about 16 bits) and takes little code space from the rest.
 */
export const UNSEEN_WEIGHT = 2 ** -16;

/**
 * Like unionTables, but with a code for every symbol a baseline 8-bit scan can use in this table class
 * (baselineSymbols), so data of parts not seen yet can always be written with it: the symbols none of
 * `tables` has get the pseudo-frequency `unseen` and so long codes. Deterministic: the same tables and
 * weights give the same table.
 */
export function coveringTable(
  tables: readonly HuffmanTable[],
  weights: readonly number[],
  tableClass: 0 | 1,
  unseen = UNSEEN_WEIGHT,
): HuffmanTable {
  const freq = new Float64Array(257);
  const total = weights.reduce((sum, w) => sum + w, 0) + tables.length;
  tables.forEach((t, i) => addPseudoFrequencies(freq, t, (weights[i]! + 1) / total));
  for (const s of baselineSymbols(tableClass)) if (freq[s] === 0) freq[s] = unseen;
  return optimalTable(freq);
}

/** Adds `weight` × 2^-length for each symbol of `t` to `freq`. */
function addPseudoFrequencies(freq: Float64Array, t: HuffmanTable, weight: number): void {
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < t.counts[len - 1]!; i++) freq[t.symbols[k++]!]! += weight * 2 ** -len;
  }
}

/**
 * libjpeg's jpeg_gen_optimal_table for frequencies of symbols 0..255 (`freq[256]` is overwritten): Huffman
 * with one extra symbol that takes the all-ones code (reserved by the standard), then lengths cut down to
 * 16 bits. `freq` is used up.
 */
function optimalTable(freq: Float64Array): HuffmanTable {
  let least = Infinity;
  for (let s = 0; s < 256; s++) if (freq[s]! > 0 && freq[s]! < least) least = freq[s]!;
  freq[256] = least / 2;

  // Huffman merging, as libjpeg does it: each step joins the two rarest, lengthening both chains.
  const codeSize = new Int32Array(257);
  const others = new Int32Array(257).fill(-1);
  for (;;) {
    let c1 = -1;
    let c2 = -1;
    for (let i = 0; i <= 256; i++) if (freq[i]! > 0 && (c1 < 0 || freq[i]! <= freq[c1]!)) c1 = i;
    for (let i = 0; i <= 256; i++) if (freq[i]! > 0 && i !== c1 && (c2 < 0 || freq[i]! <= freq[c2]!)) c2 = i;
    if (c2 < 0) break;
    freq[c1]! += freq[c2]!;
    freq[c2] = 0;
    for (c1 = chainBump(codeSize, others, c1); others[c1]! >= 0;) c1 = others[c1]!;
    others[c1] = c2;
    chainBump(codeSize, others, c2);
  }
  const bits = new Int32Array(258);
  for (let i = 0; i <= 256; i++) if (codeSize[i]! > 0) bits[codeSize[i]!]!++;
  // Over-long codes: take two from the longest length, move one up and split a shorter code into two.
  for (let i = 257; i > 16; i--) {
    while (bits[i]! > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i]! -= 2;
      bits[i - 1]!++;
      bits[j + 1]! += 2;
      bits[j]!--;
    }
  }
  let longest = 16;
  while (bits[longest] === 0) longest--;
  bits[longest]!--; // the reserved symbol's code
  const symbols: number[] = [];
  for (let len = 1; len <= 257; len++) for (let s = 0; s < 256; s++) if (codeSize[s] === len) symbols.push(s);
  return { counts: Uint8Array.from(bits.subarray(1, 17)), symbols: Uint8Array.from(symbols) };
}

/** Lengthens the code of `c` and of every symbol chained behind it; returns the chain's last symbol. */
function chainBump(codeSize: Int32Array, others: Int32Array, c: number): number {
  codeSize[c]!++;
  while (others[c]! >= 0) {
    c = others[c]!;
    codeSize[c]!++;
  }
  return c;
}
