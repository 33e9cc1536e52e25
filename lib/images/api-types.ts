// The JSON POST /api/images answers with (201), shared by the route and the browser's uploader.
import type { GatewayImageType } from "./limits";

export interface UploadedImage {
  id: string;
  /** `/api/images/<id>`: what a message's file part carries as its url. */
  url: string;
  mediaType: GatewayImageType;
  width: number;
  height: number;
  /** Stored size in bytes (after the server's re-encode). */
  bytes: number;
}
