import "server-only";
import sharp from "sharp";
import { AppError } from "@/lib/errors";
import {
  fitWithin,
  formatBytes,
  GATEWAY_MAX_IMAGE_BYTES,
  GATEWAY_MAX_IMAGE_SIDE,
  PNG_KEEP_MAX_BYTES,
  type GatewayImageType,
} from "./limits";
import { isInputFormat, orientedSize, readImageHeader, sniffFormat, type SniffedFormat } from "./sniff";

// The server's check of an uploaded image, whatever the browser did before: the real type from the magic
// bytes, size and dimensions against the gateway's limits, a pixel cap against decompression bombs, then a
// re-encode with sharp that applies EXIF orientation and drops every piece of metadata (GPS included).

export interface ProcessedImage {
  mime: GatewayImageType;
  width: number;
  height: number;
  bytes: Buffer;
}

export interface ProcessOptions {
  /** Longest edge of what is stored (IMAGE_MAX_EDGE); the browser has normally shrunk it already. */
  maxEdge: number;
}

const SERVER_JPEG_QUALITY = 85;
const FALLBACK_JPEG_QUALITIES = [72, 60, 45];

const FORMAT_LABEL: Record<SniffedFormat, string> = {
  jpeg: "JPEG",
  png: "PNG",
  webp: "WebP",
  gif: "GIF",
  heic: "HEIC",
  avif: "AVIF",
  svg: "SVG",
  pdf: "PDF",
  bmp: "BMP",
  tiff: "TIFF",
};

// Two cores: decoding several large images at once would starve the streaming replies.
const MAX_CONCURRENT = 2;
/**
 * Uploads that may wait for a slot; beyond that they are refused (retryable) instead of queueing
 * without bound — each waiting upload holds up to 5 MB, and a burst of them would exhaust memory.
 */
export const MAX_WAITING = 16;
let running = 0;
const waiting: Array<() => void> = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    if (waiting.length >= MAX_WAITING) throw new AppError("images_busy");
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Validates and re-encodes one upload; throws an AppError that names what is wrong. */
export async function processUpload(input: Uint8Array, options: ProcessOptions): Promise<ProcessedImage> {
  if (input.byteLength === 0) throw new AppError("image_unrecognized");
  if (input.byteLength >= GATEWAY_MAX_IMAGE_BYTES) {
    throw new AppError("image_too_large", {
      size: formatBytes(input.byteLength),
      limit: formatBytes(GATEWAY_MAX_IMAGE_BYTES),
    });
  }
  const format = sniffFormat(input);
  if (format === null) throw new AppError("image_unrecognized");
  if (!isInputFormat(format)) throw new AppError("image_unsupported_type", { type: FORMAT_LABEL[format] });
  const header = readImageHeader(input);
  if (!header) throw new AppError("image_corrupt");
  if (header.width > GATEWAY_MAX_IMAGE_SIDE || header.height > GATEWAY_MAX_IMAGE_SIDE) {
    throw new AppError("image_dimensions_too_large", {
      width: header.width,
      height: header.height,
      max: GATEWAY_MAX_IMAGE_SIDE,
    });
  }
  const shown = orientedSize(header);
  const target = fitWithin(shown.width, shown.height, Math.min(options.maxEdge, GATEWAY_MAX_IMAGE_SIDE));
  return withSlot(() => reencode(input, format, target, header));
}

async function reencode(
  input: Uint8Array,
  format: "jpeg" | "png" | "webp" | "gif",
  target: { width: number; height: number },
  stored: { width: number; height: number },
): Promise<ProcessedImage> {
  const base = () =>
    sharp(input, {
      // Refuse to decode more pixels than the gateway could ever take: a tiny file can claim a huge canvas.
      limitInputPixels: GATEWAY_MAX_IMAGE_SIDE * GATEWAY_MAX_IMAGE_SIDE,
      // Truncated files are refused; cameras' harmless warnings (extra bytes before a marker) are not.
      failOn: "truncated",
      // A GIF or animated WebP: its first frame.
      animated: false,
    })
      .rotate()
      .resize({ width: target.width, height: target.height, fit: "inside", withoutEnlargement: true });

  try {
    const meta = await sharp(input, { limitInputPixels: GATEWAY_MAX_IMAGE_SIDE ** 2, animated: false }).metadata();
    const lossless = format === "png" || format === "gif";
    if (lossless || meta.hasAlpha) {
      const png = await base()
        .png({ compressionLevel: 6, adaptiveFiltering: true })
        .toBuffer({ resolveWithObject: true });
      // Small PNGs (screenshots) stay PNG; transparency stays too while it fits the gateway.
      if (
        png.data.byteLength <= PNG_KEEP_MAX_BYTES ||
        (meta.hasAlpha && png.data.byteLength < GATEWAY_MAX_IMAGE_BYTES)
      ) {
        return { mime: "image/png", width: png.info.width, height: png.info.height, bytes: png.data };
      }
    }
    for (const quality of [SERVER_JPEG_QUALITY, ...FALLBACK_JPEG_QUALITIES]) {
      const jpeg = await base()
        .flatten({ background: "#ffffff" })
        .jpeg({ quality })
        .toBuffer({ resolveWithObject: true });
      if (jpeg.data.byteLength < GATEWAY_MAX_IMAGE_BYTES) {
        return { mime: "image/jpeg", width: jpeg.info.width, height: jpeg.info.height, bytes: jpeg.data };
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // sharp's message says which limit or which damage; the user gets the plain version.
    if (err instanceof Error && /pixel limit/i.test(err.message)) {
      // The header we read may understate it (a GIF's frame can be larger than its screen): name
      // the size the decoder saw.
      const seen = await sharp(input, { limitInputPixels: false, animated: false })
        .metadata()
        .catch(() => stored);
      throw new AppError("image_dimensions_too_large", {
        width: Math.max(seen.width ?? 0, stored.width),
        height: Math.max(seen.height ?? 0, stored.height),
        max: GATEWAY_MAX_IMAGE_SIDE,
      });
    }
    throw new AppError("image_corrupt", undefined, { cause: err });
  }
  throw new AppError("image_too_large", {
    size: formatBytes(input.byteLength),
    limit: formatBytes(GATEWAY_MAX_IMAGE_BYTES),
  });
}
