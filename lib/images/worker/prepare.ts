// The browser side of an image's way to the model, run inside a Web Worker so the page never stutters:
// sniff → keep the original, or decode with EXIF orientation (shrinking while decoding) → encode JPEG or PNG;
// plus a small preview. Decisions live in prepare-plan.ts; this file only drives the browser APIs.
import { orientationPrefix } from "../exif";
import { fitWithin, GATEWAY_MAX_IMAGE_BYTES } from "../limits";
import {
  alphaMatters,
  JPEG_QUALITY_STEPS,
  jpegDecodeArea,
  keepPng,
  planPreparation,
  shouldTryPng,
  type PrepareFailure,
} from "../prepare-plan";
import {
  FORMAT_MIME,
  orientedSize,
  readImageHeader,
  sniffFormat,
  type ImageHeader,
  type SniffedFormat,
} from "../sniff";
import { decodeFrame, decodeShown, encoderOrientation, type OpaqueDecoder } from "./encoder-orientation";
import { shrinkInParts } from "./shrink-jpeg";
import { THUMB_EDGE, type PrepareResult, type PrepareSettings } from "./protocol";

/** Enough of the file for the JPEG header behind an EXIF block with a thumbnail (APP1 is at most 64 KB). */
const HEADER_BYTES = 256 * 1024;

/** Formats that can carry transparency worth checking; the others decode opaque. */
const MAY_HAVE_ALPHA: ReadonlySet<SniffedFormat> = new Set(["png", "webp", "gif", "bmp", "avif", "heic"]);

const fail = (reason: PrepareFailure): PrepareResult => ({ ok: false, reason });

type Size = { width: number; height: number };
/** The size to ask a JPEG decoder for, and the libjpeg scale (n/8) it gives. */
type DecodeArea = Size & { numerator: number };

export async function prepareImage(file: Blob, settings: PrepareSettings): Promise<PrepareResult> {
  if (file.size > settings.maxSourceBytes) return fail("too_big");
  // A file the browser calls a JPEG is read whole in one go: the fast path decodes it from memory anyway,
  // so the header comes from the same read instead of a round trip of its own. What it really is
  // still comes from its bytes; for anything else only the header is read here.
  const whole = file.type === "image/jpeg" && typeof ImageDecoder === "function" ? await file.arrayBuffer() : null;
  const head = whole
    ? new Uint8Array(whole, 0, Math.min(HEADER_BYTES, whole.byteLength))
    : new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  const format = sniffFormat(head);
  const header = readImageHeader(head);
  const plan = planPreparation({ size: file.size, format, header }, settings);
  if (plan.kind === "reject") return fail(plan.reason);
  const source = format!; // the plan rejects unknown formats
  const mayHaveAlpha = MAY_HAVE_ALPHA.has(source);

  const canDraw = typeof OffscreenCanvas !== "undefined" && typeof createImageBitmap === "function";
  if (!canDraw) {
    // An old browser: the original goes up untouched when it fits, else nothing can be done here.
    if (plan.kind !== "keep" || !header) return fail("cannot_shrink");
    return { ok: true, blob: file, mime: FORMAT_MIME[source], ...orientedSize(header), reencoded: false, thumb: file };
  }

  if (plan.kind === "keep") {
    const shown = orientedSize(header!);
    // Decoding the preview also proves the file is whole before anything is uploaded.
    const preview = await decode(file, fitWithin(shown.width, shown.height, THUMB_EDGE));
    if (!preview) return fail("corrupt");
    const thumb = await encodeBitmap(preview, mayHaveAlpha ? "image/png" : "image/jpeg", 0.8);
    return { ok: true, blob: file, mime: FORMAT_MIME[source], ...shown, reencoded: false, thumb };
  }

  const limit = Math.min(settings.maxUploadBytes, GATEWAY_MAX_IMAGE_BYTES);
  if (!mayHaveAlpha && plan.target && header) {
    const fast = await prepareOpaque(file, whole, header, plan.target, limit);
    if (fast) return fast;
  }

  const bitmap = await decode(file, plan.target);
  if (!bitmap) return fail(source === "heic" || source === "avif" ? "heic" : "corrupt");
  const target = plan.target ?? fitWithin(bitmap.width, bitmap.height, settings.maxEdge);
  const thumb = await thumbOf(bitmap, mayHaveAlpha);

  const canvas = new OffscreenCanvas(target.width, target.height);
  const ctx = canvas.getContext("2d");
  if (!ctx) return fail("cannot_shrink");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  if (!mayHaveAlpha) paintWhite(ctx, target);
  ctx.drawImage(bitmap, 0, 0, target.width, target.height);
  bitmap.close();

  const hasAlpha = mayHaveAlpha && alphaMatters(ctx.getImageData(0, 0, target.width, target.height).data);
  if (shouldTryPng(source, hasAlpha)) {
    const png = await canvas.convertToBlob({ type: "image/png" });
    if (keepPng(png.size, hasAlpha, settings.maxUploadBytes)) {
      return { ok: true, blob: png, mime: "image/png", ...target, reencoded: true, thumb };
    }
  }
  if (mayHaveAlpha) {
    // Flatten on white: JPEG has no alpha, and black (what transparent pixels become) would swallow dark text.
    ctx.globalCompositeOperation = "destination-over";
    paintWhite(ctx, target);
    ctx.globalCompositeOperation = "source-over";
  }
  const jpeg = await encodeJpeg(canvas, limit);
  return jpeg ? { ok: true, blob: jpeg, mime: "image/jpeg", ...target, reencoded: true, thumb } : fail("too_big");
}

/**
 * The photo fast path (opaque sources of known size). The browser decodes straight to the final size, and
 * the bitmap goes to the JPEG encoder through a `bitmaprenderer` canvas: no 12 MP canvas, no 2D draw, no
 * canvas snapshot, several times faster than drawing. A JPEG is decoded by WebCodecs' ImageDecoder at the
 * smallest of libjpeg's n/8 scales that still covers the target (5/8 for a 4000×3000 photo going to
 * 2048 px): the decoder skips most of the inverse DCT's work instead of producing 12 MP that are then thrown
 * away, and the final shrink starts from a third of the pixels.
 * Turning a rotated photo upright would need a 2D draw; instead the encoder's own handling of orientation is
 * measured once per decoder (encoder-orientation.ts) and, where it writes the stored pixels, the JPEG keeps
 * the rotation as its only metadata (an EXIF Orientation tag) that the server applies with sharp .rotate()
 * before stripping everything.
 * Null when the fast path cannot be trusted here: the caller takes the general path.
 */
async function prepareOpaque(
  file: Blob,
  bytes: ArrayBuffer | null,
  header: ImageHeader,
  target: Size,
  limit: number,
): Promise<PrepareResult | null> {
  const scaled = header.format === "jpeg" ? jpegDecodeArea(header, target) : null;
  if (scaled) {
    const viaFrame = await encodeOpaque(bytes ?? file, header, target, limit, "frame", scaled).catch(() => null);
    if (viaFrame) return viaFrame;
    // No ImageDecoder, a decoder that would not shrink enough, or a file it refused: the bitmap path decides.
  }
  return encodeOpaque(file, header, target, limit, "bitmap", undefined).catch(() => fail("corrupt"));
}

async function encodeOpaque(
  file: Blob | ArrayBuffer,
  header: ImageHeader,
  target: Size,
  limit: number,
  decoder: OpaqueDecoder,
  decodedArea: DecodeArea | undefined,
): Promise<PrepareResult | null> {
  if (decoder === "frame" && typeof ImageDecoder !== "function") return null;
  const { orientation } = header;
  const mode = orientation === 1 ? "stored" : await encoderOrientation(decoder);
  if (mode === "unknown") return null;
  const encoded =
    decoder === "frame"
      ? await encodeDecoded(file, header, target, limit, mode, decodedArea)
      : await encodeShrunk(await decodeShown(file, decoder, target, decodedArea), target, limit);
  if (encoded === null) return null;
  if (!encoded) return fail("too_big");
  // The encoder wrote the bitmap the way the probe measured for this path (stored pixels, or turned
  // upright; the probe checks the output's size and which way up it is), so nothing is read back: tagging
  // is a new Blob of the prefix and the encoder's own bytes after its SOI. A JPEG joined from parts is
  // already bytes here, and becomes a Blob once, tag and all.
  const tag = mode === "stored" && orientation !== 1 ? orientationPrefix(orientation) : null;
  const type = "image/jpeg";
  const jpeg =
    encoded instanceof Blob
      ? tag
        ? new Blob([tag, encoded.slice(2)], { type })
        : encoded
      : new Blob(tag ? [tag, encoded.subarray(2)] : [encoded], { type });
  // The preview is the output itself: the composer shows it with an <img>, which the browser decodes off
  // the page's main thread at the size shown (a JPEG at 1/8 scale) and turns upright by its EXIF tag. A
  // separate preview would cost this worker ~9 ms before the result could go out.
  return { ok: true, blob: jpeg, mime: "image/jpeg", ...target, reencoded: true, thumb: jpeg };
}

/**
 * A JPEG to JPEG through WebCodecs' decoder: in parts on two workers where the encoder writes pixels as
 * stored (shrink-jpeg.ts decodes it, by halves where it can; split-encode.ts joins the parts' JPEGs into
 * one JPEG's bytes), else decoded whole and encoded in one piece (a Blob).
 */
async function encodeDecoded(
  file: Blob | ArrayBuffer,
  header: ImageHeader,
  target: Size,
  limit: number,
  mode: "stored" | "applied",
  decodedArea: DecodeArea | undefined,
): Promise<Blob | Uint8Array<ArrayBuffer> | undefined | null> {
  const bytes = file instanceof ArrayBuffer ? file : await file.arrayBuffer();
  let frame: VideoFrame | null = null;
  if (mode === "stored" && decodedArea) {
    const quality = JPEG_QUALITY_STEPS[0];
    const split = await shrinkInParts({
      bytes,
      header,
      shown: target,
      numerator: decodedArea.numerator,
      quality,
      limit,
    });
    if (split && "jpeg" in split) return split.jpeg;
    frame = split?.frame ?? null;
  }
  frame ??= await decodeFrame(bytes, target, decodedArea);
  try {
    // Shrunk to the size as shown (createImageBitmap honours the frame's rotation/flip), like the probe did.
    const resize = { resizeWidth: target.width, resizeHeight: target.height, resizeQuality: "high" } as const;
    return await encodeShrunk(await createImageBitmap(frame, resize), target, limit);
  } finally {
    frame.close();
  }
}

/** A bitmap of the target size to JPEG through a `bitmaprenderer` canvas; null if it came out another size. */
async function encodeShrunk(bitmap: ImageBitmap, target: Size, limit: number): Promise<Blob | undefined | null> {
  const canvas = new OffscreenCanvas(target.width, target.height);
  const renderer = canvas.getContext("bitmaprenderer");
  if (!renderer || bitmap.width !== target.width || bitmap.height !== target.height) {
    bitmap.close();
    return null;
  }
  renderer.transferFromImageBitmap(bitmap);
  return encodeJpeg(canvas, limit);
}

/**
 * Decodes with EXIF orientation applied. With a target size the browser shrinks while decoding (much less
 * memory and time for a 12 MP photo); if it returned another size (an engine that resizes before orienting),
 * decode at full size instead and let the canvas scale. Null when the file does not decode.
 */
async function decode(file: Blob, target: Size | null): Promise<ImageBitmap | null> {
  try {
    if (target) {
      const resized = await createImageBitmap(file, {
        imageOrientation: "from-image",
        resizeWidth: target.width,
        resizeHeight: target.height,
        resizeQuality: "high",
      });
      if (resized.width === target.width && resized.height === target.height) return resized;
      resized.close();
    }
    return await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return null;
  }
}

/** JPEG at the first quality step that is under `limit`; undefined if even the lowest is not. */
async function encodeJpeg(canvas: OffscreenCanvas, limit: number): Promise<Blob | undefined> {
  for (const quality of JPEG_QUALITY_STEPS) {
    const jpeg = await canvas.convertToBlob({ type: "image/jpeg", quality });
    if (jpeg.size < limit) return jpeg;
  }
  return undefined;
}

function paintWhite(ctx: OffscreenCanvasRenderingContext2D, size: Size): void {
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, size.width, size.height);
}

/**
 * A THUMB_EDGE preview of a decoded image, drawn on a small 2D canvas (drawing honours the orientation
 * the bitmap carries); the bitmap itself is left intact.
 */
async function thumbOf(bitmap: ImageBitmap, alpha: boolean): Promise<Blob> {
  const size = fitWithin(bitmap.width, bitmap.height, THUMB_EDGE);
  const canvas = new OffscreenCanvas(size.width, size.height);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2d context");
  ctx.imageSmoothingQuality = "medium";
  if (!alpha) paintWhite(ctx, size);
  ctx.drawImage(bitmap, 0, 0, size.width, size.height);
  return canvas.convertToBlob(alpha ? { type: "image/png" } : { type: "image/jpeg", quality: 0.8 });
}

/**
 * Encodes (and frees) a small bitmap through a 2D canvas: drawing applies any orientation the bitmap
 * carries (a bitmaprenderer would encode the stored pixels), and at preview size it costs nothing.
 */
async function encodeBitmap(bitmap: ImageBitmap, type: string, quality: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2d context");
  if (type === "image/jpeg") paintWhite(ctx, canvas);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type, quality });
}
