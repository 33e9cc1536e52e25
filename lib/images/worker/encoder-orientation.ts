// How this browser's bitmaprenderer → convertToBlob path treats EXIF orientation, measured once per worker.
// Chromium keeps a decoded JPEG's orientation as a flag beside the pixels: drawing honours it, encoding a
// bitmaprenderer canvas writes the pixels as stored (and imageOrientation "none" with a resize even squeezes
// the picture). Rather than hard-code one engine's behaviour, encode a tiny rotated JPEG exactly the way the
// fast path does and look at what came out.
import { withOrientation } from "../exif";

/** "stored": the encoder writes the pixels as stored (we add an Orientation tag). "applied": it turns them
 * upright itself. "unknown": neither, or the probe failed: rotated photos take the 2D-canvas path. */
export type EncoderOrientation = "stored" | "applied" | "unknown";

// 32×16 JPEG without metadata, left half red, right half blue (made with sharp, quality 95, 4:4:4).
const PROBE_JPEG =
  "/9j/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wAARCAAQACADAREAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAj/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFwEBAQEBAAAAAAAAAAAAAAAAAAoICf/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AIvZTd/AEhqqE14CvEq6lABIaqhNeA//2Q==";

let measured: Promise<EncoderOrientation> | undefined;

export function encoderOrientation(): Promise<EncoderOrientation> {
  measured ??= probe().catch(() => "unknown" as const);
  return measured;
}

async function probe(): Promise<EncoderOrientation> {
  const plain = Uint8Array.from(atob(PROBE_JPEG), (c) => c.charCodeAt(0));
  // Orientation 6: shown turned 90° clockwise, so the red left half becomes the top.
  const rotated = new Blob([withOrientation(plain, 6) as Uint8Array<ArrayBuffer>], { type: "image/jpeg" });
  // As shown it is 16×32: decoded oriented and "shrunk" to that size, like a photo in the fast path.
  const bitmap = await createImageBitmap(rotated, {
    imageOrientation: "from-image",
    resizeWidth: 16,
    resizeHeight: 32,
    resizeQuality: "high",
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const renderer = canvas.getContext("bitmaprenderer");
  if (!renderer || bitmap.width !== 16 || bitmap.height !== 32) {
    bitmap.close();
    return "unknown";
  }
  renderer.transferFromImageBitmap(bitmap);
  // The output carries no EXIF, so reading it back is unambiguous.
  const encoded = await createImageBitmap(await canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 }));
  const check = new OffscreenCanvas(encoded.width, encoded.height);
  const ctx = check.getContext("2d");
  if (!ctx) return "unknown";
  ctx.drawImage(encoded, 0, 0);
  const pixel = (x: number, y: number) => ctx.getImageData(x, y, 1, 1).data;
  const red = (p: Uint8ClampedArray) => p[0]! > 170 && p[2]! < 100;
  const blue = (p: Uint8ClampedArray) => p[2]! > 170 && p[0]! < 100;
  if (encoded.width === 32 && encoded.height === 16 && red(pixel(5, 8)) && blue(pixel(26, 8))) return "stored";
  if (encoded.width === 16 && encoded.height === 32 && red(pixel(8, 5)) && blue(pixel(8, 26))) return "applied";
  return "unknown";
}
