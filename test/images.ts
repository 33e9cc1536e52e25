import sharp from "sharp";

// Deterministic test images, made with sharp: a photo-like picture (smooth gradients, soft blobs and
// film-grain noise, so JPEG sizes are realistic), a four-colour quadrant image that shows which way
// up a picture ends up, and EXIF with orientation and a GPS position to prove both are handled.

/** mulberry32: a tiny seeded PRNG, so every run makes the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Raw RGB pixels of a photo-like scene: sky-to-ground gradient, value noise at two scales, grain. */
export function photoPixels(width: number, height: number, seed = 42): Buffer {
  const random = prng(seed);
  const octave = (cell: number) => {
    const gw = Math.ceil(width / cell) + 2;
    const gh = Math.ceil(height / cell) + 2;
    const grid = new Float32Array(gw * gh * 3);
    for (let i = 0; i < grid.length; i++) grid[i] = random();
    return { cell, gw, grid };
  };
  const coarse = octave(Math.max(8, Math.round(Math.max(width, height) / 12)));
  const fine = octave(Math.max(4, Math.round(Math.max(width, height) / 90)));
  const sample = (o: ReturnType<typeof octave>, x: number, y: number, c: number) => {
    const gx = x / o.cell;
    const gy = y / o.cell;
    const x0 = Math.floor(gx);
    const y0 = Math.floor(gy);
    const fx = gx - x0;
    const fy = gy - y0;
    const at = (xx: number, yy: number) => o.grid[(yy * o.gw + xx) * 3 + c]!;
    return (
      (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) +
      (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy
    );
  };
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const v = y / height;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const sky = c === 2 ? 210 - v * 130 : c === 1 ? 150 - v * 40 : 90 + v * 70;
        const value = sky * 0.55 + sample(coarse, x, y, c) * 85 + sample(fine, x, y, c) * 35 + (random() - 0.5) * 30;
        out[o + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
  return out;
}

export const GPS_EXIF = {
  IFD0: { Make: "TestCam", Model: "Deterministic 1" },
  IFD3: {
    GPSLatitudeRef: "N",
    GPSLatitude: "39/1 54/1 2700/100",
    GPSLongitudeRef: "E",
    GPSLongitude: "116/1 23/1 2900/100",
  },
};

/** A photo-like JPEG as a camera writes it: stored landscape, with an EXIF orientation and a GPS tag. */
export async function photoJpeg(
  options: {
    width?: number;
    height?: number;
    quality?: number;
    orientation?: number;
    gps?: boolean;
    seed?: number;
  } = {},
): Promise<Buffer> {
  const { width = 4000, height = 3000, quality = 92, orientation, gps = true, seed = 42 } = options;
  let image = sharp(photoPixels(width, height, seed), { raw: { width, height, channels: 3 } }).jpeg({ quality });
  if (gps) image = image.withExif(GPS_EXIF);
  if (orientation) image = image.withMetadata({ orientation });
  return image.toBuffer();
}

/**
 * A photo of a clear sky (a smooth gradient, no grain) above busy, grainy ground, the horizon `horizon` of
 * the way down: the top's and the bottom's JPEG statistics differ as much as a photo's can.
 */
export async function skyOverGroundJpeg(width = 4000, height = 3000, horizon = 0.55): Promise<Buffer> {
  const pixels = photoPixels(width, height, 11);
  const skyRows = Math.floor(height * horizon);
  for (let y = 0; y < skyRows; y++) {
    const v = y / skyRows;
    const sky = [70 + v * 90, 130 + v * 60, 225 - v * 20];
    for (let x = 0; x < width; x++) pixels.set(sky, (y * width + x) * 3);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

export type Rgb = [number, number, number];
export const QUADRANT_COLOURS: Record<"topLeft" | "topRight" | "bottomLeft" | "bottomRight", Rgb> = {
  topLeft: [230, 30, 30],
  topRight: [30, 200, 30],
  bottomLeft: [30, 30, 230],
  bottomRight: [245, 245, 245],
};

/** Raw RGB of four flat quadrants (as stored, before any EXIF orientation). */
export function quadrantPixels(width: number, height: number): Buffer {
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const key =
        y < height / 2 ? (x < width / 2 ? "topLeft" : "topRight") : x < width / 2 ? "bottomLeft" : "bottomRight";
      out.set(QUADRANT_COLOURS[key], (y * width + x) * 3);
    }
  }
  return out;
}

/**
 * A quadrant JPEG stored `width`×`height` with EXIF orientation 6 (turn 90° clockwise to view), so that
 * displayed correctly its top-left is the stored bottom-left (blue) and its top-right the stored top-left (red).
 */
export async function quadrantJpeg(width = 4000, height = 3000, orientation = 6): Promise<Buffer> {
  return sharp(quadrantPixels(width, height), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .withExif(GPS_EXIF)
    .withMetadata({ orientation })
    .toBuffer();
}

/** The four corner colours of an image as displayed (after orientation), sampled 5% in from each corner. */
export async function cornerColours(image: Buffer): Promise<Record<keyof typeof QUADRANT_COLOURS, Rgb>> {
  const { data, info } = await sharp(image).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const px = (fx: number, fy: number): Rgb => {
    const x = Math.round(fx * (info.width - 1));
    const y = Math.round(fy * (info.height - 1));
    const i = (y * info.width + x) * 3;
    return [data[i]!, data[i + 1]!, data[i + 2]!];
  };
  return { topLeft: px(0.05, 0.05), topRight: px(0.95, 0.05), bottomLeft: px(0.05, 0.95), bottomRight: px(0.95, 0.95) };
}

/** True when every channel is within `tolerance` of the expected colour. */
export function near(actual: Rgb, expected: Rgb, tolerance = 40): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);
}

/** A PNG screenshot-like image: flat UI colours and dark "text" bars (small, compresses well). */
export async function screenshotPng(width = 1280, height = 800, alpha = false): Promise<Buffer> {
  const channels = alpha ? 4 : 3;
  const data = Buffer.alloc(width * height * channels, 255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      const header = y < 56;
      const textLine = y % 24 < 3 && x % 180 < 150 && x > 40 && y > 80;
      const value = header ? 70 : textLine ? 20 : 250;
      data[o] = value;
      data[o + 1] = header ? 90 : value;
      data[o + 2] = header ? 160 : value;
      if (alpha) data[o + 3] = x < width / 4 ? 0 : 255;
    }
  }
  return sharp(data, { raw: { width, height, channels } }).png().toBuffer();
}

/** A PNG of random pixels with random transparency: incompressible, so its size is about width×height×4. */
export async function noisePng(width: number, height: number, seed = 7): Promise<Buffer> {
  const random = prng(seed);
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 256);
  return sharp(data, { raw: { width, height, channels: 4 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}
