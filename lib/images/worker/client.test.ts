import { describe, expect, it } from "vitest";
import { ImagePreparer } from "./client";
import type { PartnerMessage, PrepareRequest, PrepareSettings } from "./protocol";

const settings: PrepareSettings = { maxEdge: 2048, maxSourceBytes: 30 * 1024 * 1024, maxUploadBytes: 5 * 1024 * 1024 };

/** Just enough of a Worker to see what the page sends it and to make it answer or fail. */
class FakeWorker {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  received: unknown[] = [];
  terminated = false;
  postMessage(message: unknown): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  fail(): void {
    this.onerror?.({} as ErrorEvent);
  }
}

function preparer() {
  const workers: FakeWorker[] = [];
  const images = new ImagePreparer(() => {
    const worker = new FakeWorker();
    workers.push(worker);
    return worker as unknown as Worker;
  });
  return { images, workers };
}

const partnerSetup = (message: unknown) => message as Extract<PartnerMessage, { partner: MessagePort }>;

describe("ImagePreparer", () => {
  it("starts the worker and its partner together, joined by their own channel, the first marked as the lead", () => {
    const { images, workers } = preparer();
    images.warm();
    expect(workers).toHaveLength(2);
    const [lead, partner] = workers.map((w) => partnerSetup(w.received[0]));
    expect(lead!.lead).toBe(true);
    expect(partner!.lead).toBe(false);
    expect(lead!.partner).toBeInstanceOf(MessagePort);
    expect(partner!.partner).toBeInstanceOf(MessagePort);
    expect(lead!.partner).not.toBe(partner!.partner);
    lead!.partner.close();
    partner!.partner.close();
    // Warm twice, prepare later: still one pair.
    images.warm();
    void images.prepare(new Blob(["x"]), settings);
    expect(workers).toHaveLength(2);
  });

  it("sends photos only to the lead and matches answers to requests by id", async () => {
    const { images, workers } = preparer();
    const first = images.prepare(new Blob(["a"]), settings);
    const second = images.prepare(new Blob(["b"]), settings);
    const [lead, partner] = workers;
    const requests = lead!.received.filter(
      (m): m is PrepareRequest => typeof m === "object" && m !== null && "id" in m,
    );
    expect(requests.map((r) => r.id)).toHaveLength(2);
    expect(partner!.received.some((m) => typeof m === "object" && m !== null && "id" in m)).toBe(false);
    lead!.answer({ id: requests[1]!.id, ok: false, reason: "svg" });
    lead!.answer({ id: requests[0]!.id, ok: false, reason: "pdf" });
    expect(await first).toEqual({ ok: false, reason: "pdf" });
    expect(await second).toEqual({ ok: false, reason: "svg" });
  });

  it("tells the lead when its partner dies, so photos are still prepared by one worker", async () => {
    const { images, workers } = preparer();
    const pending = images.prepare(new Blob(["a"]), settings);
    const [lead, partner] = workers;
    partner!.fail();
    expect(partner!.terminated).toBe(true);
    expect(lead!.received.at(-1)).toEqual({ partnerLost: true });
    // The lead still answers; nothing waiting was failed.
    const request = lead!.received.find((m): m is PrepareRequest => typeof m === "object" && m !== null && "id" in m)!;
    lead!.answer({ id: request.id, ok: false, reason: "corrupt" });
    expect(await pending).toEqual({ ok: false, reason: "corrupt" });
  });

  it("fails what is waiting when the lead dies, and starts a new pair for the next photo", async () => {
    const { images, workers } = preparer();
    const pending = images.prepare(new Blob(["a"]), settings);
    workers[0]!.fail();
    expect(await pending).toEqual({ ok: false, reason: "cannot_shrink" });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers[1]!.terminated).toBe(true);
    void images.prepare(new Blob(["b"]), settings);
    expect(workers).toHaveLength(4);
  });

  it("ends both workers on dispose", () => {
    const { images, workers } = preparer();
    images.warm();
    images.dispose();
    expect(workers.every((w) => w.terminated)).toBe(true);
  });
});
