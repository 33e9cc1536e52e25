import { parseErrorPayload, type AppErrorPayload } from "@/lib/errors";
import type { UploadedImage } from "@/lib/images/api-types";

// One image to POST /api/images. XMLHttpRequest, not fetch: it reports upload progress.

export class UploadError extends Error {
  constructor(readonly payload: AppErrorPayload | null) {
    super(payload?.code ?? "network");
    this.name = "UploadError";
  }
}

export function uploadImage(
  blob: Blob,
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<UploadedImage> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/images");
    xhr.setRequestHeader("content-type", blob.type || "application/octet-stream");
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          resolve(JSON.parse(xhr.responseText) as UploadedImage);
        } catch {
          reject(new UploadError(null));
        }
        return;
      }
      reject(new UploadError(parseErrorPayload(xhr.responseText)));
    };
    xhr.onerror = () => reject(new UploadError(null));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    options.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}
