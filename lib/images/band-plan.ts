// Where a photo is cut for the split encode: two workers each shrink and encode one horizontal band of the
// picture as stored, at the same time, and jpeg-join.ts joins the two JPEGs into one (a restart marker at the
// cut). This file only does the geometry, kept pure so it is tested without a browser.

export interface Size {
  width: number;
  height: number;
}

/** A crop of the decoded frame, in its displayed (oriented) coordinates, as createImageBitmap takes it. */
export interface Crop {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
}

export interface Band {
  crop: Crop;
  /** The band's size after shrinking, as displayed (what createImageBitmap is asked for). */
  size: Size;
  /** Its rows in the output as stored. */
  rows: number;
}

export interface BandPlan {
  /** The output row (as stored) where the bottom band starts: whole MCU rows above it. */
  cut: number;
  /** Top of the picture as stored first; its JPEG's restart interval covers it. */
  bands: [Band, Band];
}

/** The JPEG encoder's MCU height at 4:2:0 chroma: the top band's JPEG must end on a whole MCU row. */
export const MCU_ROWS = 16;
/** Under this many output rows two encodes and a join cost more than they save. */
export const MIN_SPLIT_ROWS = 512;
/** A JPEG restart interval is a 16-bit count of MCUs, and it must cover the whole top band. */
const MAX_RESTART_INTERVAL = 0xffff;
/** How far below the middle the cut may go (the top band is the larger one: see planBands). */
const MAX_CUT_SHARE = 0.6;

/**
 * Cuts a frame decoded at `decoded` (as stored) that shrinks to `output` (as stored) into two bands.
 * `rotation` is the frame's clockwise turn for display (EXIF orientation 1, 6, 3, 8 → 0, 90, 180, 270);
 * mirrored frames are not split (null), nor small or unshrunk ones. `opposite`: this browser reads a crop of
 * a turned frame from the other side than displayed coordinates say (measured, see split-encode.ts).
 *
 * The cut is on an MCU row of the output, at or a little below the middle: the bottom band's MCUs must fit
 * in the top band's restart interval. Among those rows it takes the one whose source row is nearest a whole
 * pixel, so each band shrinks by almost exactly the picture's scale and nothing shifts at the seam (for a
 * 4000×3000 photo decoded at 5/8 and shrunk to 2048×1536, row 784 comes from source row 957.03).
 */
export function planBands(
  decoded: Size,
  output: Size,
  rotation: number,
  flip: boolean,
  opposite = false,
): BandPlan | null {
  if (flip || ![0, 90, 180, 270].includes(rotation)) return null;
  if (output.height < MIN_SPLIT_ROWS || output.width > decoded.width || output.height > decoded.height) return null;
  const scale = decoded.height / output.height;
  const mcusPerRow = Math.ceil(output.width / MCU_ROWS);
  let best: { cut: number; error: number } | null = null;
  const first = Math.ceil(output.height / 2 / MCU_ROWS) * MCU_ROWS;
  for (let cut = first; cut <= output.height * MAX_CUT_SHARE; cut += MCU_ROWS) {
    if (mcusPerRow * (cut / MCU_ROWS) > MAX_RESTART_INTERVAL) break;
    const source = cut * scale;
    const error = Math.abs(source - Math.round(source));
    if (!best || error < best.error - 1e-9) best = { cut, error };
  }
  if (!best) return null;
  const { cut } = best;
  const split = Math.round(cut * scale);
  const top = bandOf(decoded, output.width, [0, split], cut, rotation, opposite);
  const bottom = bandOf(decoded, output.width, [split, decoded.height], output.height - cut, rotation, opposite);
  return { cut, bands: [top, bottom] };
}

/**
 * Stored rows [y0, y1) of a frame decoded at `decoded`, shrunk to `width` × `rows`, as a crop in displayed
 * coordinates (or, `opposite`, reflected across the displayed frame, along the axis the bands are cut on).
 */
export function bandOf(
  decoded: Size,
  width: number,
  [y0, y1]: [number, number],
  rows: number,
  rotation: number,
  opposite: boolean,
): Band {
  const { width: W, height: H } = decoded;
  const sh = y1 - y0;
  const turned = rotation === 90 || rotation === 270;
  // Where the band starts along the displayed axis it is cut on (x when turned, else y). Stored (x, y) is
  // shown at (H − 1 − y, x) turned 90°, (W − 1 − x, H − 1 − y) at 180°, (y, W − 1 − x) at 270°: the stored
  // top is at the far end (right, bottom) at 90° and 180°, at the start at 0° and 270°.
  let from = rotation === 90 || rotation === 180 ? H - y1 : y0;
  if (opposite) from = H - from - sh;
  return turned
    ? { crop: { sx: from, sy: 0, sw: sh, sh: W }, size: { width: rows, height: width }, rows }
    : { crop: { sx: 0, sy: from, sw: W, sh }, size: { width, height: rows }, rows };
}
