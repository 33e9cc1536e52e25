// The page's handle on the image-preparation worker: one long-lived worker (started on first use, or
// ahead of time with warm()), requests matched to answers by id. Files are posted, not copied: Blobs
// cross to the worker by reference. A second worker, its partner, shrinks and encodes parts of each large
// photo at the same time (split-encode.ts); the two talk over their own MessageChannel.
import type { PartnerMessage, PrepareRequest, PrepareResponse, PrepareResult, PrepareSettings } from "./protocol";

export class ImagePreparer {
  private worker: Worker | undefined;
  private partner: Worker | undefined;
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
    this.partner?.terminate();
    this.worker = undefined;
    this.partner = undefined;
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
      // An error it survived still leaves it untrusted: photos in flight would wait on a partner ended here.
      worker.terminate();
      this.worker = undefined;
      this.partner?.terminate();
      this.partner = undefined;
      for (const resolve of this.pending.values()) resolve({ ok: false, reason: "cannot_shrink" });
      this.pending.clear();
    };
    this.worker = worker;
    this.startPartner(worker);
    return worker;
  }

  /** Without a partner (it failed to start or died) photos are encoded by the one worker: slower, not wrong. */
  private startPartner(worker: Worker): void {
    const partner = this.createWorker();
    const channel = new MessageChannel();
    worker.postMessage({ partner: channel.port1, lead: true } satisfies PartnerMessage, [channel.port1]);
    partner.postMessage({ partner: channel.port2, lead: false } satisfies PartnerMessage, [channel.port2]);
    partner.onerror = () => {
      partner.terminate();
      if (this.partner !== partner) return;
      this.partner = undefined;
      worker.postMessage({ partnerLost: true } satisfies PartnerMessage);
    };
    this.partner = partner;
  }
}
