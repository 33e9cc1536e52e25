// What a file really is, from its first bytes (never from its name or the type the browser guessed),
// and, for the formats we read, its pixel size and EXIF orientation from the header alone.
// Shared by the browser worker and the upload route; no DOM, no Node APIs.

/** Formats we accept as input. GIF means its first frame. */
export type ImageFormat = "jpeg" | "png" | "webp" | "gif";
/** Formats we recognise only to say precisely why they are refused (or, for HEIC/AVIF, to try the browser). */
export type OtherFormat = "heic" | "avif" | "svg" | "pdf" | "bmp" | "tiff";
export type SniffedFormat = ImageFormat | OtherFormat;

export const INPUT_FORMATS: readonly ImageFormat[] = ["jpeg", "png", "webp", "gif"];

export const FORMAT_MIME: Record<SniffedFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  avif: "image/avif",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  bmp: "image/bmp",
  tiff: "image/tiff",
};

export function isInputFormat(format: SniffedFormat | null): format is ImageFormat {
  return format !== null && (INPUT_FORMATS as readonly string[]).includes(format);
}

const HEIC_BRANDS = new Set(["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

/** The format from the magic bytes; null for anything we do not recognise. 64 bytes (1 KB for SVG) suffice. */
export function sniffFormat(b: Uint8Array): SniffedFormat | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === "PNG" && b[4] === 0x0d && b[5] === 0x0a) return "png";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return "webp";
  if (b.length >= 6 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) return "gif";
  if (b.length >= 12 && ascii(b, 4, 4) === "ftyp") {
    // ISO BMFF: the major brand, then compatible brands, say whether it is HEIF or AVIF.
    const boxSize = Math.min(u32be(b, 0), b.length, 64);
    for (let at = 8; at + 4 <= boxSize; at += 4) {
      if (at === 12) continue; // minor version, not a brand
      const brand = ascii(b, at, 4);
      if (AVIF_BRANDS.has(brand)) return "avif";
      if (HEIC_BRANDS.has(brand)) return "heic";
    }
    return null;
  }
  if (b.length >= 5 && ascii(b, 0, 5) === "%PDF-") return "pdf";
  if (b.length >= 2 && ascii(b, 0, 2) === "BM") return "bmp";
  if (b.length >= 4 && (ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*")) return "tiff";
  if (looksLikeSvg(b)) return "svg";
  return null;
}

function looksLikeSvg(b: Uint8Array): boolean {
  const head = ascii(b, 0, Math.min(b.length, 1024))
    .replace(/^\uFEFF|^ï»¿/, "")
    .trimStart()
    .toLowerCase();
  if (!head.startsWith("<")) return false;
  return head.startsWith("<svg") || ((head.startsWith("<?xml") || head.startsWith("<!")) && head.includes("<svg"));
}

export interface ImageHeader {
  format: ImageFormat;
  /** As stored, before EXIF orientation. */
  width: number;
  height: number;
  /** EXIF orientation 1–8 (JPEG only; 1 otherwise or when absent). */
  orientation: number;
}

/** Size and orientation from the header; null when the header is truncated, malformed or not one we read. */
export function readImageHeader(b: Uint8Array): ImageHeader | null {
  const format = sniffFormat(b);
  if (!isInputFormat(format)) return null;
  if (format === "jpeg") return jpegHeader(b);
  const size = format === "png" ? pngSize(b) : format === "gif" ? gifSize(b) : webpSize(b);
  return size && size.width > 0 && size.height > 0 ? { format, ...size, orientation: 1 } : null;
}

/** Width and height as displayed: orientations 5–8 turn the image a quarter. */
export function orientedSize(header: Pick<ImageHeader, "width" | "height" | "orientation">): {
  width: number;
  height: number;
} {
  return header.orientation >= 5 && header.orientation <= 8
    ? { width: header.height, height: header.width }
    : { width: header.width, height: header.height };
}

function pngSize(b: Uint8Array): { width: number; height: number } | null {
  // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
  if (b.length < 24 || ascii(b, 12, 4) !== "IHDR") return null;
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

function gifSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 10) return null;
  return { width: u16le(b, 6), height: u16le(b, 8) };
}

function webpSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 ") {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === "VP8L") {
    if (b[20] !== 0x2f) return null;
    const bits = ((b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return null;
}

function jpegHeader(b: Uint8Array): ImageHeader | null {
  let orientation = 1;
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return null;
    let marker = b[i + 1] ?? 0;
    // Any number of 0xFF fill bytes may precede a marker.
    while (marker === 0xff && i + 2 < b.length) {
      i += 1;
      marker = b[i + 1] ?? 0;
    }
    i += 2;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || marker === 0xda) return null; // image data before any frame header
    if (i + 1 >= b.length) return null;
    const len = u16be(b, i);
    if (len < 2) return null;
    if (marker === 0xe1 && ascii(b, i + 2, 6) === "Exif\0\0") {
      orientation = exifOrientation(b, i + 8, Math.min(b.length, i + len)) ?? orientation;
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 7 > b.length) return null;
      const height = u16be(b, i + 3);
      const width = u16be(b, i + 5);
      return width > 0 && height > 0 ? { format: "jpeg", width, height, orientation } : null;
    }
    i += len;
  }
  return null;
}

/** Tag 0x0112 of IFD0 in the TIFF structure at `start`; undefined when absent or out of range. */
function exifOrientation(b: Uint8Array, start: number, end: number): number | undefined {
  if (start + 8 > end) return undefined;
  const order = ascii(b, start, 2);
  if (order !== "II" && order !== "MM") return undefined;
  const le = order === "II";
  const read16 = (at: number) => (le ? u16le(b, at) : u16be(b, at));
  const read32 = (at: number) => (le ? u32le(b, at) : u32be(b, at));
  const ifd = start + read32(start + 4);
  if (ifd + 2 > end) return undefined;
  const count = read16(ifd);
  for (let n = 0; n < count; n++) {
    const entry = ifd + 2 + n * 12;
    if (entry + 12 > end) return undefined;
    if (read16(entry) === 0x0112) {
      const value = read16(entry + 8);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

function ascii(b: Uint8Array, at: number, len: number): string {
  let s = "";
  for (let k = at; k < at + len && k < b.length; k++) s += String.fromCharCode(b[k] ?? 0);
  return s;
}
function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}
function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
}
function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) >>> 0) + ((b[at + 1] ?? 0) << 16) + ((b[at + 2] ?? 0) << 8) + (b[at + 3] ?? 0);
}
function u32le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) + ((b[at + 1] ?? 0) << 8) + ((b[at + 2] ?? 0) << 16) + (((b[at + 3] ?? 0) << 24) >>> 0);
}
