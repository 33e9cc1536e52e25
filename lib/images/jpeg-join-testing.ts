// Helpers for the jpeg-join tests: parts of a picture encoded on their own (as the browser's encoder does it:
// optimised Huffman tables, 4:2:0; here with sharp), and the joined file checked against them decoded on
// their own and stacked. Rows next to a seam may differ a little: libjpeg's "fancy" chroma upsampling
// blends each chroma row with its neighbour, and in the joined picture the neighbour across a seam is the
// next part's.
import sharp, { type JpegOptions } from "sharp";
import { expect } from "vitest";

export const JPEG = { quality: 85, optimiseCoding: true, chromaSubsampling: "4:2:0" } as const;

export async function rawRgb(png: Buffer): Promise<Buffer> {
  return sharp(png).removeAlpha().raw().toBuffer();
}

/** Horizontal bands of an RGB picture, `heights` rows each from the top, each encoded on its own. */
export async function bands(pixels: Buffer, width: number, heights: number[], options: JpegOptions = JPEG) {
  const height = pixels.length / 3 / width;
  let top = 0;
  return Promise.all(
    heights.map((rows) => {
      const at = top;
      top += rows;
      return sharp(pixels, { raw: { width, height, channels: 3 } })
        .extract({ left: 0, top: at, width, height: rows })
        .jpeg(options)
        .toBuffer();
    }),
  );
}

/**
 * Largest channel difference between the joined picture and the parts decoded on their own and stacked,
 * away from the seams and within two rows of one.
 */
export async function compareStacked(parts: Uint8Array[], joined: Uint8Array) {
  const decode = (jpeg: Uint8Array) => sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const [j, ...own] = await Promise.all([decode(joined), ...parts.map(decode)]);
  const first = own[0]!.info;
  const height = own.reduce((sum, p) => sum + p.info.height, 0);
  expect(j!.info).toMatchObject({ width: first.width, height, channels: first.channels });
  const stacked = Buffer.concat(own.map((p) => p.data));
  const rowBytes = first.width * first.channels;
  const seams = new Set<number>();
  let top = 0;
  for (const p of own.slice(0, -1)) {
    top += p.info.height;
    for (let row = top - 2; row < top + 2; row++) seams.add(row);
  }
  let away = 0;
  let seam = 0;
  for (let i = 0; i < stacked.length; i++) {
    const diff = Math.abs(stacked[i]! - j!.data[i]!);
    if (seams.has(Math.floor(i / rowBytes))) seam = Math.max(seam, diff);
    else away = Math.max(away, diff);
  }
  return { away, seam };
}

/** A JPEG's entropy-coded data: from its SOS to before EOI. */
export function scanOf(jpeg: Uint8Array): Uint8Array {
  for (let p = 2; ;) {
    const length = (jpeg[p + 2]! << 8) | jpeg[p + 3]!;
    if (jpeg[p + 1] === 0xda) return jpeg.subarray(p + 2 + length, jpeg.length - 2);
    p += 2 + length;
  }
}

/** Markers inside scan data (FF followed by anything but the stuffed 00). */
export function markersIn(scan: Uint8Array): number[] {
  const found: number[] = [];
  for (let i = 0; i + 1 < scan.length; i++) if (scan[i] === 0xff && scan[i + 1] !== 0) found.push(scan[i + 1]!);
  return found;
}

/** The restart interval a JPEG's DRI sets, or null without one. */
export function restartInterval(jpeg: Uint8Array): number | null {
  const dri = Buffer.from(jpeg).indexOf(Buffer.from([0xff, 0xdd, 0, 4]));
  return dri < 0 ? null : (jpeg[dri + 4]! << 8) | jpeg[dri + 5]!;
}
