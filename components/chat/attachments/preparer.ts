import { ImagePreparer } from "@/lib/images/worker/client";
import { createPrepareWorker } from "@/lib/images/worker/create-worker";

// One preparation worker for the page, started when the composer first shows (not per image).
let preparer: ImagePreparer | undefined;

export function imagePreparer(): ImagePreparer {
  preparer ??= new ImagePreparer(createPrepareWorker);
  return preparer;
}
