// The image-preparation worker: one request in, one result out, so the page's main thread never decodes,
// scales or encodes a photo.
import { encoderOrientation } from "./encoder-orientation";
import { prepareImage } from "./prepare";
import type { PrepareRequest, PrepareResponse } from "./protocol";

const scope = self as unknown as DedicatedWorkerGlobalScope;

// Measured while the worker idles, before the first photo needs it (a JPEG takes the "frame" path; the
// "bitmap" one is its fallback).
void encoderOrientation("frame").then(() => encoderOrientation("bitmap"));

scope.onmessage = (event: MessageEvent<PrepareRequest>) => {
  const { id, file, settings } = event.data;
  prepareImage(file, settings).then(
    (result) => scope.postMessage({ id, ...result } satisfies PrepareResponse),
    () => scope.postMessage({ id, ok: false, reason: "corrupt" } satisfies PrepareResponse),
  );
};
