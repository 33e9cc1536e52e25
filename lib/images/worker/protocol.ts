// Messages between the page and the image-preparation worker.
import type { ImageSettings } from "../limits";
import type { PrepareFailure } from "../prepare-plan";

export type PrepareSettings = Pick<ImageSettings, "maxEdge" | "maxSourceBytes" | "maxUploadBytes">;

export interface PrepareRequest {
  id: number;
  file: Blob;
  settings: PrepareSettings;
}

export interface PreparedImage {
  /** What to upload: the original when it already fits, else the re-encoded image. */
  blob: Blob;
  mime: string;
  /** As displayed (after EXIF orientation). */
  width: number;
  height: number;
  /** False when the original is sent as is. */
  reencoded: boolean;
  /** A small preview for the composer (long edge THUMB_EDGE). */
  thumb: Blob;
}

/** Page → worker, besides requests: the line to its partner worker (split-encode.ts; `lead` for the worker
 * that gets the photos, sent once right after it starts), and word that the partner died. */
export type PartnerMessage = { partner: MessagePort; lead: boolean } | { partnerLost: true };

export type PrepareResult = ({ ok: true } & PreparedImage) | { ok: false; reason: PrepareFailure };

export type PrepareResponse = { id: number } & PrepareResult;

/** Long edge of the composer's preview, in px (sharp at 2× on a 64–96 px thumbnail). */
export const THUMB_EDGE = 192;
