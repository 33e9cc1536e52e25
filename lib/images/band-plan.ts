// Where a photo is cut for the split encode: two workers shrink and encode horizontal parts of the picture
// as stored, at the same time, and jpeg-join*.ts joins the JPEGs into one (a restart marker at each cut).
// This file only does the geometry, kept pure so it is tested without a browser.

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

/** One of N horizontal parts of the picture as stored: its rows in the decoded frame and in the output. */
export interface Part {
  source: [number, number];
  rows: number;
}

export interface PartPlan {
  /** Output rows of every part but the last (whole MCU rows: the joined JPEG's restart interval). */
  rows: number;
  /** Top first; the last has at most `rows` rows. */
  parts: Part[];
}

/** The JPEG encoder's MCU height at 4:2:0 chroma: every part but the last must end on a whole MCU row. */
export const MCU_ROWS = 16;
/** Under this many output rows separate encodes and a join cost more than they save. */
export const MIN_SPLIT_ROWS = 512;
/** A JPEG restart interval is a 16-bit count of MCUs, and it must cover a whole part. */
const MAX_RESTART_INTERVAL = 0xffff;
/** How many MCU rows past an even split a part may grow, to find cuts that fall on whole source rows. */
const SEARCH_MCU_ROWS = 3;

/**
 * Cuts a frame decoded at `decoded` (as stored) that shrinks to `output` (as stored) into `count` parts of
 * equal height (the last no taller), each to be shrunk and encoded on its own and joined with restart
 * markers (jpeg-join.ts). Null for small or unshrunk pictures, or a part too wide for a restart interval.
 *
 * Parts are whole MCU rows of the output, at or a little over an even share (the last part's MCUs must fit
 * in the restart interval, and it is at most one MCU row per part shorter). Among those heights it takes the one
 * whose cuts fall nearest whole source rows, so each part shrinks by almost exactly the picture's scale and
 * a seam shifts nothing by more than half a source pixel (for a 4000×3000 photo decoded at 5/8 and shrunk
 * to 2048×1536, two parts cut at row 784, from source row 957.03; four parts of 384 rows cut at source rows
 * 469, 938 and 1406, for 468.75, 937.5 and 1406.25).
 */
export function planParts(decoded: Size, output: Size, count: number): PartPlan | null {
  if (count < 2 || output.height < MIN_SPLIT_ROWS) return null;
  if (output.width > decoded.width || output.height > decoded.height) return null;
  const scale = decoded.height / output.height;
  const mcusPerRow = Math.ceil(output.width / MCU_ROWS);
  const first = Math.ceil(output.height / count / MCU_ROWS) * MCU_ROWS;
  let best: { rows: number; error: number } | null = null;
  for (let rows = first; rows <= first + SEARCH_MCU_ROWS * MCU_ROWS; rows += MCU_ROWS) {
    // The last part may be shorter, but not by much: the parts are shared out between workers.
    if (output.height - (count - 1) * rows < rows - count * MCU_ROWS) break;
    if (mcusPerRow * (rows / MCU_ROWS) > MAX_RESTART_INTERVAL) break;
    let error = 0;
    for (let k = 1; k < count; k++) error = Math.max(error, Math.abs(k * rows * scale - Math.round(k * rows * scale)));
    // A cut closer to a whole source row by under a tenth of a pixel is not worth less even parts.
    if (!best || error < best.error - 0.1) best = { rows, error };
  }
  if (!best) return null;
  const { rows } = best;
  const cuts = Array.from({ length: count + 1 }, (_, k) =>
    k === count ? decoded.height : Math.round(k * rows * scale),
  );
  const parts = cuts.slice(0, count).map((from, k) => ({
    source: [from, cuts[k + 1]!] as [number, number],
    rows: k === count - 1 ? output.height - (count - 1) * rows : rows,
  }));
  return { rows, parts };
}

/**
 * A part as a crop of one frame. `rotation` is the frame's clockwise turn for display (EXIF orientation
 * 1, 6, 3, 8 → 0, 90, 180, 270; mirrored frames are not cut). `opposite`: this browser reads a crop of a
 * turned frame from the other side than displayed coordinates say (measured: band-encode.ts).
 *
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
