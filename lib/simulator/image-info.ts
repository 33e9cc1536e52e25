// Reads image type and pixel size from header bytes by hand, so the simulator needs no image library.

export type ImageFormat = "png" | "jpeg" | "webp";

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
}

export type DataUrlResult = { ok: true; mime: string; info: ImageInfo } | { ok: false; reason: string };

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGE_SIDE = 6000;

const DATA_URL_RE = /^data:(image\/[a-z0-9.+-]+);base64,/i;
const ALLOWED_MIME = new Set(["image/jpeg", "image/jpg", "image/png", "image/webp"]);
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export function sniffFormat(buf: Uint8Array): ImageFormat | null {
  if (buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47) return "png";
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return "jpeg";
  if (buf.length >= 12 && ascii(buf, 0, 4) === "RIFF" && ascii(buf, 8, 4) === "WEBP") return "webp";
  return null;
}

/** Width and height from the header, or null when the header is truncated or malformed. */
export function readImageSize(buf: Uint8Array): { format: ImageFormat; width: number; height: number } | null {
  const format = sniffFormat(buf);
  if (!format) return null;
  const size = format === "png" ? pngSize(buf) : format === "jpeg" ? jpegSize(buf) : webpSize(buf);
  return size ? { format, ...size } : null;
}

/** Decodes and checks a `data:image/…;base64,` URL against the gateway's vision limits. */
export function inspectDataUrl(url: string): DataUrlResult {
  const m = DATA_URL_RE.exec(url);
  if (!m) return { ok: false, reason: "is not a base64 data:image/… URL" };
  const mime = (m[1] ?? "").toLowerCase();
  if (!ALLOWED_MIME.has(mime)) return { ok: false, reason: `has unsupported type ${mime} (use JPEG, PNG or WebP)` };
  const b64 = url.slice(m[0].length).replace(/\s+/g, "");
  // Reject before decoding: base64 is 4 chars per 3 bytes.
  if (Math.floor((b64.length * 3) / 4) > MAX_IMAGE_BYTES + 2) {
    return { ok: false, reason: `is about ${mb((b64.length * 3) / 4)} MB; the limit is 5 MB` };
  }
  if (b64.length === 0 || b64.length % 4 === 1 || !BASE64_RE.test(b64)) {
    return { ok: false, reason: "is not valid base64" };
  }
  const buf = Buffer.from(b64, "base64");
  if (buf.length >= MAX_IMAGE_BYTES) return { ok: false, reason: `is ${mb(buf.length)} MB; the limit is 5 MB` };
  const format = sniffFormat(buf);
  if (!format) return { ok: false, reason: "is not a JPEG, PNG or WebP image (unrecognised file signature)" };
  const size = readImageSize(buf);
  if (!size || size.width <= 0 || size.height <= 0) {
    return { ok: false, reason: `is a ${format.toUpperCase()} whose header is damaged (no readable dimensions)` };
  }
  if (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE) {
    return {
      ok: false,
      reason: `is ${size.width}×${size.height} px; the limit is ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE} px`,
    };
  }
  return { ok: true, mime, info: { format, width: size.width, height: size.height, bytes: buf.length } };
}

function pngSize(b: Uint8Array): { width: number; height: number } | null {
  // Signature (8) + chunk length (4) + "IHDR" (4) + width (4) + height (4).
  if (b.length < 24 || ascii(b, 12, 4) !== "IHDR") return null;
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 3 < b.length) {
    if (b[i] !== 0xff) return null;
    let marker = b[i + 1] ?? 0;
    // Fill bytes: any number of 0xFF may precede a marker.
    while (marker === 0xff && i + 2 < b.length) {
      i += 1;
      marker = b[i + 1] ?? 0;
    }
    i += 2;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || marker === 0xda) return null;
    if (i + 1 >= b.length) return null;
    const len = u16be(b, i);
    if (len < 2) return null;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 7 > b.length) return null;
      return { height: u16be(b, i + 3), width: u16be(b, i + 5) };
    }
    i += len;
  }
  return null;
}

function webpSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 ") {
    // Frame tag (3) then start code 9D 01 2A, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === "VP8L") {
    if (b[20] !== 0x2f) return null;
    const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) | ((b[24] ?? 0) << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  return null;
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
function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
