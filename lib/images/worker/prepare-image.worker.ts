// The image-preparation worker: one request in, one result out, so the page's main thread never decodes,
// scales or encodes a photo.
import { encoderOrientation } from "./encoder-orientation";
import { prepareImage } from "./prepare";
import type { PartnerMessage, PrepareRequest, PrepareResponse } from "./protocol";
import { cropSide, warmJoin } from "./band-encode";
import { connectPartner, partnerLost } from "./split-encode";

const scope = self as unknown as DedicatedWorkerGlobalScope;

/**
 * Measured while the worker idles, before the first photo needs it (a JPEG takes the "frame" path; the
 * "bitmap" one is its fallback; a photo cut in bands needs to know how crops of its rotation are read).
 * Only the worker the page sends photos to needs them; its partner only encodes and re-codes bands.
 */
function getReady(lead: boolean): void {
  if (!lead) {
    void warmJoin().catch(() => {});
    return;
  }
  void encoderOrientation("frame")
    .then(() => encoderOrientation("bitmap"))
    .then(() => Promise.all([0, 90, 180, 270].map(cropSide)))
    .then(warmJoin)
    .catch(() => {}); // each of these answers "unknown" where it fails; the photo then takes a slower path
}

scope.onmessage = (event: MessageEvent<PrepareRequest | PartnerMessage>) => {
  const message = event.data;
  if ("partner" in message) {
    connectPartner(message.partner);
    getReady(message.lead);
    return;
  }
  if ("partnerLost" in message) return partnerLost();
  const { id, file, settings } = message;
  prepareImage(file, settings).then(
    (result) => scope.postMessage({ id, ...result } satisfies PrepareResponse),
    () => scope.postMessage({ id, ok: false, reason: "corrupt" } satisfies PrepareResponse),
  );
};
