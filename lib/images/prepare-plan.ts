// The decisions of the browser's image preparation, kept pure so they can be tested without a browser:
// refuse, send the original untouched, or decode and re-encode (shrinking to the configured edge).
import { fitWithin, GATEWAY_MAX_IMAGE_BYTES, PNG_KEEP_MAX_BYTES, type ImageSettings } from "./limits";
import { orientedSize, type ImageHeader, type SniffedFormat } from "./sniff";

/** Why a file was refused; each has its own message naming the file and what to do. */
export type PrepareFailure =
  /** Over the source-file limit (30 MB). */
  | "too_big"
  /** So many pixels that decoding could exhaust the tab's memory. */
  | "too_many_pixels"
  | "svg"
  | "pdf"
  /** HEIC/HEIF this browser cannot decode. */
  | "heic"
  /** Not an image we read (unknown signature, TIFF, a text file renamed .jpg, …). */
  | "unsupported"
  /** Looks like an image but does not decode (truncated, damaged). */
  | "corrupt"
  /** The browser lacks the APIs to shrink it (no OffscreenCanvas), and it is too big to send as is. */
  | "cannot_shrink";

/** Decoding is refused above this many pixels (a 100 MP panorama is already unusual). */
export const MAX_SOURCE_PIXELS = 120_000_000;

export type PreparePlan =
  | { kind: "reject"; reason: PrepareFailure }
  /** The original already fits: no re-encoding (the server still strips metadata and applies orientation). */
  | { kind: "keep" }
  /** Decode and encode at this size (as displayed, after orientation); size unknown until decoded when null. */
  | { kind: "convert"; target: { width: number; height: number } | null };

/** Formats the browser may be able to decode even though we do not parse their headers. */
const DECODE_ONLY: ReadonlySet<SniffedFormat> = new Set(["heic", "avif", "bmp"]);

export function planPreparation(
  file: { size: number; format: SniffedFormat | null; header: ImageHeader | null },
  settings: Pick<ImageSettings, "maxEdge" | "maxSourceBytes" | "maxUploadBytes">,
): PreparePlan {
  if (file.size > settings.maxSourceBytes) return { kind: "reject", reason: "too_big" };
  const { format, header } = file;
  if (format === "svg") return { kind: "reject", reason: "svg" };
  if (format === "pdf") return { kind: "reject", reason: "pdf" };
  if (format === null || format === "tiff") return { kind: "reject", reason: "unsupported" };
  if (DECODE_ONLY.has(format)) return { kind: "convert", target: null };
  // A JPEG/PNG/WebP/GIF whose header we cannot read is damaged.
  if (!header) return { kind: "reject", reason: "corrupt" };
  if (header.width * header.height > MAX_SOURCE_PIXELS) return { kind: "reject", reason: "too_many_pixels" };
  const shown = orientedSize(header);
  const fitsEdge = Math.max(shown.width, shown.height) <= settings.maxEdge;
  if (fitsEdge && file.size < Math.min(settings.maxUploadBytes, GATEWAY_MAX_IMAGE_BYTES)) return { kind: "keep" };
  return { kind: "convert", target: fitWithin(shown.width, shown.height, settings.maxEdge) };
}

/** Whether to spend a PNG encode finding out if PNG is the better output. */
export function shouldTryPng(source: SniffedFormat, hasAlpha: boolean): boolean {
  if (hasAlpha) return true;
  // Photos (JPEG, HEIC, AVIF, lossy WebP) go to JPEG; screenshots and diagrams arrive as PNG/GIF/BMP.
  return source === "png" || source === "gif" || source === "bmp";
}

/**
 * PNG stays PNG when it is small (text stays crisp) or when transparency matters and it still fits the
 * gateway; otherwise the image is flattened on white and sent as JPEG.
 */
export function keepPng(pngBytes: number, hasAlpha: boolean, maxUploadBytes: number): boolean {
  if (pngBytes <= PNG_KEEP_MAX_BYTES) return true;
  return hasAlpha && pngBytes < Math.min(maxUploadBytes, GATEWAY_MAX_IMAGE_BYTES);
}

/** Transparency matters when more than this share of pixels is see-through (not a stray edge pixel). */
export const ALPHA_MATTERS_SHARE = 0.005;

/** Counts pixels with alpha below 250 in RGBA data, stopping as soon as the share is reached. */
export function alphaMatters(rgba: Uint8ClampedArray | Uint8Array): boolean {
  const pixels = rgba.length / 4;
  const needed = Math.max(1, Math.ceil(pixels * ALPHA_MATTERS_SHARE));
  let seen = 0;
  for (let i = 3; i < rgba.length; i += 4) {
    if ((rgba[i] ?? 255) < 250 && ++seen >= needed) return true;
  }
  return false;
}

/** JPEG qualities tried in turn until the result is under the gateway's per-image limit. */
export const JPEG_QUALITY_STEPS = [0.85, 0.72, 0.6, 0.45] as const;

/**
 * libjpeg can decode a JPEG at n/8 of its size (n = 1…8) by skipping most of the inverse DCT: for a photo
 * going to a much smaller edge, decoding at the smallest scale that still covers the target saves work and
 * loses nothing (the final shrink starts from more pixels than it keeps). Returns that scale's numerator and
 * the size to ask WebCodecs' ImageDecoder for, as stored (before orientation): Chromium reads
 * desiredWidth × desiredHeight as a pixel budget and decodes at the largest n/8 scale within it, so the size
 * asked for lies halfway to the next scale and rounding cannot tip it either way. Null when decoding at full
 * size is needed anyway (the target is over 7/8 of the stored size).
 * The target is as shown (after EXIF orientation), like the plan's target.
 */
export function jpegDecodeArea(
  header: Pick<ImageHeader, "width" | "height" | "orientation">,
  target: { width: number; height: number },
): { numerator: number; width: number; height: number } | null {
  const turned = header.orientation >= 5 && header.orientation <= 8;
  const stored = turned ? { width: target.height, height: target.width } : target;
  const numerator = Math.max(
    Math.ceil((8 * stored.width) / header.width),
    Math.ceil((8 * stored.height) / header.height),
    1,
  );
  if (numerator >= 8) return null;
  return {
    numerator,
    width: Math.ceil((header.width * (numerator + 0.5)) / 8),
    height: Math.ceil((header.height * (numerator + 0.5)) / 8),
  };
}
