// The page's handle on the image-preparation worker: one long-lived worker (started on first use, or
// ahead of time with warm()), requests matched to answers by id. Files are posted, not copied: Blobs
// cross to the worker by reference.
import type { PrepareRequest, PrepareResponse, PrepareResult, PrepareSettings } from "./protocol";

export class ImagePreparer {
  private worker: Worker | undefined;
  private nextId = 1;
  private pending = new Map<number, (result: PrepareResult) => void>();

  constructor(private readonly createWorker: () => Worker) {}

  /** Starts the worker before the first image arrives, so its start-up is not on the user's clock. */
  warm(): void {
    this.ensure();
  }

  prepare(file: Blob, settings: PrepareSettings): Promise<PrepareResult> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, file, settings } satisfies PrepareRequest);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const resolve of this.pending.values()) resolve({ ok: false, reason: "cannot_shrink" });
    this.pending.clear();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (event: MessageEvent<PrepareResponse>) => {
      const { id, ...result } = event.data;
      const resolve = this.pending.get(id);
      this.pending.delete(id);
      resolve?.(result as PrepareResult);
    };
    // A worker that fails to load (blocked script, crash) fails every waiting file, and is started afresh next time.
    worker.onerror = () => {
      this.worker = undefined;
      for (const resolve of this.pending.values()) resolve({ ok: false, reason: "cannot_shrink" });
      this.pending.clear();
    };
    this.worker = worker;
    return worker;
  }
}
