// What one worker does with one band of a photo, and what it measures and warms up for that ahead of time:
// crop-and-shrink plus JPEG encode (split-encode.ts shares a photo's bands out between two workers), which
// side the browser reads a turned frame's crops from, and a practice run of the join.
import { bandOf, type Band } from "../band-plan";
import { withOrientation } from "../exif";
import { assembleJoinParts, coveringGrowth, joinPartScan, planJoinCovering, planJoinParts } from "../jpeg-join";

/**
 * One band: cropped and shrunk in one step by createImageBitmap (a crop of a frame costs its share of the
 * whole shrink), then encoded through a bitmaprenderer canvas, which writes the pixels as stored.
 */
export async function encodeBand(frame: VideoFrame, band: Band, quality: number): Promise<ArrayBuffer> {
  const { sx, sy, sw, sh } = band.crop;
  const bitmap = await createImageBitmap(frame, sx, sy, sw, sh, {
    resizeWidth: band.size.width,
    resizeHeight: band.size.height,
    resizeQuality: "high",
  });
  if (bitmap.width !== band.size.width || bitmap.height !== band.size.height) {
    bitmap.close();
    throw new Error(`band shrunk to ${bitmap.width}×${bitmap.height}`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const renderer = canvas.getContext("bitmaprenderer");
  if (!renderer) {
    bitmap.close();
    throw new Error("no bitmaprenderer");
  }
  renderer.transferFromImageBitmap(bitmap);
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
  return blob.arrayBuffer();
}

/**
 * Joins four small parts a few times while the worker idles. The join is plain JavaScript: cold, re-coding a
 * 12 MP photo's half took ~11 ms instead of ~3.5, and V8 also throws its optimised code away the first time
 * a branch it never saw runs. So the practice parts hold what photos and screenshots do: grain (large
 * coefficients, long codes), smooth gradients (runs of zeros, end-of-block), flat areas and hard edges.
 */
export async function warmJoin(): Promise<void> {
  const half = async (seed: number) => {
    const [width, height] = [384, 96];
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext("2d");
    if (!ctx) return null;
    const pixels = ctx.createImageData(width, height);
    let x = seed;
    for (let y = 0; y < height; y++) {
      for (let i = 0; i < width; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const grain = (x >>> 24) - 128;
        const band = Math.floor((3 * i) / width); // grain | gradient with a little grain | flat with edges
        const at = 4 * (y * width + i);
        for (let c = 0; c < 3; c++) {
          const smooth = (i * (c + 1) + y * (3 - c)) % 256;
          const edges = (Math.floor(i / 12) + Math.floor(y / 12)) % 2 ? 250 : 20;
          pixels.data[at + c] = band === 0 ? 128 + grain : band === 1 ? smooth + (grain >> 4) : edges;
        }
        pixels.data[at + 3] = 255;
      }
    }
    ctx.putImageData(pixels, 0, 0);
    return new Uint8Array(await (await canvas.convertToBlob({ type: "image/jpeg", quality: 0.85 })).arrayBuffer());
  };
  // As many parts as a photo is cut in (each 96 rows), joined the way split-encode.ts joins them.
  const parts = await Promise.all([1, 2, 3, 4].map(half));
  if (parts.some((p) => !p)) return;
  const all = parts as Uint8Array[];
  for (let i = 0; i < 6; i++) {
    // Both planners, as a photo may use either (split-encode.ts).
    const covering = planJoinCovering(all.slice(0, 2), { count: 4, lastRows: 96 });
    for (const part of all.slice(2)) if (covering) coveringGrowth(part, covering);
    const plan = i % 2 && covering ? covering : planJoinParts(all);
    if (!plan) return;
    assembleJoinParts(
      plan,
      all.map((part, index) => joinPartScan(part, plan, index) ?? new Uint8Array()),
    );
  }
}

/** EXIF orientations shown turned by 0°, 90°, 180° and 270° clockwise, and back. */
const ORIENTATION_OF_ROTATION: Record<number, number> = { 0: 1, 90: 6, 180: 3, 270: 8 };
export const ROTATION_OF_ORIENTATION: Record<number, number> = { 1: 0, 6: 90, 3: 180, 8: 270 };
const cropSides = new Map<number, Promise<boolean | null>>();

/**
 * Which side a crop of a turned frame is read from, measured once per rotation: Chromium 156 reads
 * `createImageBitmap(frame, sx, …)` of a frame turned 90° or 270° from the opposite side than displayed
 * coordinates say (while it shrinks and turns the whole frame correctly). Rather than hard-code that, a
 * small JPEG of four coloured quadrants turned that way is cut and encoded exactly like a band, and the
 * colours that come out tell. False: as displayed; true: the other side; null: neither (no split).
 */
export function cropSide(rotation: number): Promise<boolean | null> {
  let side = cropSides.get(rotation);
  if (!side) {
    side = probeCropSide(rotation).catch(() => null);
    cropSides.set(rotation, side);
  }
  return side;
}

async function probeCropSide(rotation: number): Promise<boolean | null> {
  const orientation = ORIENTATION_OF_ROTATION[rotation];
  if (!orientation || typeof ImageDecoder !== "function") return null;
  const size = 64;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext("2d");
  if (!ctx) return null;
  // Four colours, so that a part read from the wrong side or mirrored shows: top left red, top right green,
  // bottom left blue, bottom right yellow (as stored).
  const quadrants: [string, number, number][] = [
    ["#ff0000", 0, 0],
    ["#00ff00", size / 2, 0],
    ["#0000ff", 0, size / 2],
    ["#ffff00", size / 2, size / 2],
  ];
  for (const [colour, x, y] of quadrants) {
    ctx.fillStyle = colour;
    ctx.fillRect(x, y, size / 2, size / 2);
  }
  const plain = new Uint8Array(await (await canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 })).arrayBuffer());
  const data = withOrientation(plain, orientation) as Uint8Array<ArrayBuffer>;
  const decoder = new ImageDecoder({ type: "image/jpeg", data });
  try {
    const { image } = await decoder.decode();
    try {
      if ((image as VideoFrame & { rotation?: unknown }).rotation !== rotation) return null;
      // The stored top half, shrunk to half its size, as a band would be.
      const band = bandOf({ width: size, height: size }, size / 2, [0, size / 2], size / 4, rotation, false);
      const encoded = await encodeBand(image, band, 0.95);
      const bitmap = await createImageBitmap(new Blob([encoded], { type: "image/jpeg" }));
      const check = new OffscreenCanvas(bitmap.width, bitmap.height);
      const checkCtx = check.getContext("2d");
      if (!checkCtx || bitmap.width !== size / 2 || bitmap.height !== size / 4) return null;
      checkCtx.drawImage(bitmap, 0, 0);
      // The band as stored: its left and right halves' colours.
      const colour = (x: number) => {
        const [r, g, b] = checkCtx.getImageData(x, size / 8, 1, 1).data;
        const on = (v: number | undefined) => v! > 170;
        const off = (v: number | undefined) => v! < 100;
        if (on(r) && off(g) && off(b)) return "red";
        if (off(r) && on(g) && off(b)) return "green";
        if (off(r) && off(g) && on(b)) return "blue";
        if (on(r) && on(g) && off(b)) return "yellow";
        return "other";
      };
      const seen = `${colour(size / 8)} ${colour((3 * size) / 8)}`;
      if (seen === "red green") return false; // the stored top, as asked
      if (seen === "blue yellow") return true; // the stored bottom: read from the other side
      return null; // mirrored, or anything else: no split
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}
