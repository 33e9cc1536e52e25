// How this browser's bitmaprenderer → convertToBlob path treats EXIF orientation, measured once per worker
// and per way of decoding. Chromium keeps a decoded JPEG's orientation as a flag beside the pixels (a
// WebCodecs VideoFrame likewise carries it as rotation/flip): drawing honours it, encoding a bitmaprenderer
// canvas writes the pixels as stored (and imageOrientation "none" with a resize even squeezes the picture).
// Rather than hard-code one engine's behaviour, encode a tiny rotated JPEG exactly the way the fast path
// does and look at what came out.
import { withOrientation } from "../exif";

/** "stored": the encoder writes the pixels as stored (we add an Orientation tag). "applied": it turns them
 * upright itself. "unknown": neither, or the probe failed: rotated photos take the 2D-canvas path. */
export type EncoderOrientation = "stored" | "applied" | "unknown";

/** How the fast path decodes: `createImageBitmap(blob, …)`, or WebCodecs' ImageDecoder (a VideoFrame, then
 * `createImageBitmap(frame, …)`), which can shrink a JPEG while decoding it. */
export type OpaqueDecoder = "bitmap" | "frame";

// 32×16 JPEG without metadata, left half red, right half blue (made with sharp, quality 95, 4:4:4).
const PROBE_JPEG =
  "/9j/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wAARCAAQACADAREAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAj/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFwEBAQEBAAAAAAAAAAAAAAAAAAoICf/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AIvZTd/AEhqqE14CvEq6lABIaqhNeA//2Q==";

const measured = new Map<OpaqueDecoder, Promise<EncoderOrientation>>();

export function encoderOrientation(decoder: OpaqueDecoder = "bitmap"): Promise<EncoderOrientation> {
  let result = measured.get(decoder);
  if (!result) {
    result = probe(decoder).catch(() => "unknown" as const);
    measured.set(decoder, result);
  }
  return result;
}

/** Decodes a JPEG the way the fast path does: oriented, "shrunk" to the size as shown. */
export async function decodeShown(
  jpeg: Blob | BufferSource,
  decoder: OpaqueDecoder,
  shown: { width: number; height: number },
  decodedArea?: { width: number; height: number },
): Promise<ImageBitmap> {
  const resize = {
    resizeWidth: shown.width,
    resizeHeight: shown.height,
    resizeQuality: "high",
  } satisfies ImageBitmapOptions;
  if (decoder === "bitmap") {
    const blob = jpeg instanceof Blob ? jpeg : new Blob([jpeg], { type: "image/jpeg" });
    return createImageBitmap(blob, { imageOrientation: "from-image", ...resize });
  }
  const image = await decodeFrame(jpeg, shown, decodedArea);
  try {
    // The frame carries the EXIF rotation/flip; createImageBitmap honours it, so the size asked for is as shown.
    return await createImageBitmap(image, resize);
  } finally {
    image.close();
  }
}

/**
 * WebCodecs' decode of a JPEG, shrunk while decoding to `decodedArea` when given; the frame carries the EXIF
 * rotation/flip. Throws if the decoder picked a scale under `shown` (never shrink below the target).
 */
export async function decodeFrame(
  jpeg: Blob | BufferSource,
  shown: { width: number; height: number },
  decodedArea?: { width: number; height: number },
): Promise<VideoFrame> {
  const data = jpeg instanceof Blob ? await jpeg.arrayBuffer() : jpeg;
  const imageDecoder = new ImageDecoder({
    type: "image/jpeg",
    data,
    ...(data instanceof ArrayBuffer ? { transfer: [data] } : {}),
    // Chromium reads these as a pixel budget: the largest of libjpeg's n/8 scales that fits it.
    ...(decodedArea ? { desiredWidth: decodedArea.width, desiredHeight: decodedArea.height } : {}),
  });
  try {
    const { image } = await imageDecoder.decode();
    if (image.displayWidth < shown.width || image.displayHeight < shown.height) {
      image.close();
      throw new Error(`decoded at ${image.displayWidth}×${image.displayHeight}, under the target`);
    }
    return image;
  } finally {
    imageDecoder.close();
  }
}

async function probe(decoder: OpaqueDecoder): Promise<EncoderOrientation> {
  if (decoder === "frame" && typeof ImageDecoder !== "function") return "unknown";
  const plain = Uint8Array.from(atob(PROBE_JPEG), (c) => c.charCodeAt(0));
  // Orientation 6: shown turned 90° clockwise, so the red left half becomes the top.
  const rotated = withOrientation(plain, 6) as Uint8Array<ArrayBuffer>;
  // As shown it is 16×32: decoded oriented and "shrunk" to that size, like a photo in the fast path.
  const bitmap = await decodeShown(new Blob([rotated], { type: "image/jpeg" }), decoder, { width: 16, height: 32 });
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
