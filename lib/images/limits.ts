// Image limits shared by the browser (worker, composer) and the server (upload route, gateway wiring).
// The gateway's own limits come from Zhipu's docs: under 5 MB an image, at most 6000×6000 px, JPEG or PNG.

/** An image sent upstream must be strictly smaller than this (Zhipu: "under 5 MB"). */
export const GATEWAY_MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** Neither side of an image sent upstream may exceed this. */
export const GATEWAY_MAX_IMAGE_SIDE = 6000;
/** What the gateway reads: everything we store is re-encoded to one of these. */
export const GATEWAY_IMAGE_TYPES = ["image/jpeg", "image/png"] as const;
export type GatewayImageType = (typeof GATEWAY_IMAGE_TYPES)[number];

/** The largest file the browser will even try to open (a phone photo is 2–12 MB; RAW/TIFF dumps are not). */
export const MAX_SOURCE_FILE_BYTES = 30 * 1024 * 1024;

/** Defaults of the IMAGE_MAX_EDGE and CHAT_MAX_IMAGES settings. */
export const DEFAULT_IMAGE_MAX_EDGE = 2048;
export const DEFAULT_MAX_IMAGES = 6;
/** Default of IMAGE_REQUEST_BUDGET_BYTES: base64 images per gateway request, below the gateway's ~20 MB body limit. */
export const DEFAULT_IMAGE_REQUEST_BUDGET_BYTES = 16_000_000;

/** JPEG quality the browser encodes with (and the server re-encodes with). */
export const JPEG_QUALITY = 0.85;
/** A PNG (screenshot, diagram) this small stays PNG: text stays crisp and it costs little. */
export const PNG_KEEP_MAX_BYTES = 2 * 1024 * 1024;

/** What the browser needs to prepare and attach images; sent by /api/models. */
export interface ImageSettings {
  /** Longest edge after shrinking, in px. */
  maxEdge: number;
  /** Most images one message may carry. */
  maxPerMessage: number;
  /** Largest file the browser accepts from the user. */
  maxSourceBytes: number;
  /** Largest upload the server accepts (the gateway's per-image limit). */
  maxUploadBytes: number;
}

export const DEFAULT_IMAGE_SETTINGS: ImageSettings = {
  maxEdge: DEFAULT_IMAGE_MAX_EDGE,
  maxPerMessage: DEFAULT_MAX_IMAGES,
  maxSourceBytes: MAX_SOURCE_FILE_BYTES,
  maxUploadBytes: GATEWAY_MAX_IMAGE_BYTES,
};

/** `/api/images/<uuid>`: the only shape of image URL a message may carry. */
export const IMAGE_URL_RE = /^\/api\/images\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const IMAGE_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const imageUrl = (id: string): string => `/api/images/${id}`;

/** The image id inside a message's image URL, or undefined for any other URL. */
export function imageIdFromUrl(url: string): string | undefined {
  return IMAGE_URL_RE.exec(url)?.[1];
}

/** The size a long edge is brought down to: never below `maxEdge`, never enlarged. */
export function fitWithin(width: number, height: number, maxEdge: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxEdge) return { width, height };
  const scale = maxEdge / long;
  // The long edge lands exactly on maxEdge; the short one rounds, but never to 0.
  return width >= height
    ? { width: maxEdge, height: Math.max(1, Math.round(height * scale)) }
    : { width: Math.max(1, Math.round(width * scale)), height: maxEdge };
}

/** Bytes of `n` bytes as base64 (no line breaks). */
export const base64Length = (n: number): number => 4 * Math.ceil(n / 3);

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
