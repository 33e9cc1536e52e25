// The top of a JPEG as a JPEG of its own, without decoding anything: a copy whose frame header says it is
// only that many rows tall. A sequential JPEG's one scan runs row after row from the top, so a decoder reads
// that much of it and stops: a photo's top half decodes in about half the time, on another thread, while
// the whole picture decodes beside it (split-encode.ts starts encoding the top before the rest is decoded).

export interface JpegTop {
  jpeg: Uint8Array<ArrayBuffer>;
  /** Rows it decodes to at full size: what was asked for, rounded up to whole MCU rows. */
  rows: number;
}

/**
 * A copy of `bytes` that decodes to its top `rows` rows (rounded up to whole MCU rows, all the width).
 * Null unless that is exactly what a decoder will do: a Huffman-coded sequential frame (SOF0 or SOF1) whose
 * first scan holds every component (so it is the only one), a height given in the header (no DNL), and
 * fewer rows asked for than it has. A progressive JPEG codes every row in each of its scans: not this.
 */
export function jpegTop(bytes: Uint8Array, rows: number): JpegTop | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || !(rows > 0)) return null;
  let frame: { at: number; height: number; components: number; mcuRows: number } | null = null;
  for (let p = 2; p + 4 <= bytes.length;) {
    if (bytes[p] !== 0xff) return null;
    const marker = bytes[p + 1]!;
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    const end = p + 2 + ((bytes[p + 2]! << 8) | bytes[p + 3]!);
    if (end > bytes.length) return null;
    if (marker === 0xc0 || marker === 0xc1) {
      if (frame || end < p + 10) return null;
      const components = bytes[p + 9]!;
      if (components < 1 || end < p + 10 + 3 * components) return null;
      let maxV = 1;
      for (let i = 0; i < components; i++) maxV = Math.max(maxV, bytes[p + 11 + 3 * i]! & 15);
      // A single-component scan is not interleaved: its MCU is one 8×8 block.
      frame = {
        at: p,
        height: (bytes[p + 5]! << 8) | bytes[p + 6]!,
        components,
        mcuRows: components === 1 ? 8 : 8 * maxV,
      };
    } else if (
      (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) ||
      marker === 0xdc
    ) {
      return null; // progressive, lossless, arithmetic-coded, hierarchical; DNL
    } else if (marker === 0xda) {
      if (!frame || bytes[p + 4] !== frame.components || frame.height === 0) return null;
      const top = Math.ceil(rows / frame.mcuRows) * frame.mcuRows;
      if (top >= frame.height) return null;
      const jpeg = new Uint8Array(bytes);
      jpeg[frame.at + 5] = top >> 8;
      jpeg[frame.at + 6] = top & 255;
      return { jpeg, rows: top };
    } else if (marker === 0xd8 || marker === 0xd9) {
      return null;
    }
    p = end;
  }
  return null;
}
