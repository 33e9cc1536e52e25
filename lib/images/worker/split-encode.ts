// A photo's shrink and JPEG encode on both cores: this worker and its partner (a second worker the page
// starts beside it, joined by a MessageChannel) each shrink and encode one band of the decoded frame at the
// same time, and the two JPEGs become one (jpeg-join.ts: one set of Huffman tables, a restart marker at the
// cut). Decoding stays one job on the browser's decoder thread; what follows it took ~45 ms on one core for
// a 12 MP photo and is about halved.
//
// The conversation for one photo, L the worker that has it, P its partner:
//   L → P  band: the frame (a clone: the decoded pixels are shared, not copied) and the bottom band's crop
//   L → P  top: a copy of L's JPEG of the top band (or null: L failed, P drops its half)
//   P → L  banded: a copy of P's JPEG of the bottom band
// Each then has both halves, makes the same join plan from them (jpeg-join's planJoin is deterministic) and
// re-codes its own half into the plan's tables, at the same time; then
//   P → L  scan: the bottom's scan data, and L assembles the file.
// Every worker runs both sides: it asks its partner for bands and answers its partner's asks.
import { bandOf, planBands, type Band } from "../band-plan";
import { withOrientation } from "../exif";
import { assembleJoin, joinJpegHalves, joinScan, planJoin } from "../jpeg-join";

type PartnerMessage =
  | { kind: "band"; id: number; frame: VideoFrame; band: Band; quality: number }
  | { kind: "top"; id: number; jpeg: ArrayBuffer | null }
  | { kind: "banded"; id: number; jpeg?: ArrayBuffer; error?: string }
  | { kind: "scan"; id: number; scan?: ArrayBuffer; error?: string };

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a step never reached is not an unhandled rejection
  return { promise, resolve, reject };
}

let partner: MessagePort | undefined;
let nextId = 1;
/** Photos this worker sent a band of: the partner's answers, by step. */
const asked = new Map<number, { banded: Deferred<ArrayBuffer>; scan: Deferred<ArrayBuffer> }>();
/** Bands this worker encodes for its partner: its own half (null if it failed) and the partner's top, as each
 * arrives; dropped once both are here. */
const answering = new Map<number, { bottom?: Uint8Array | null; top?: Uint8Array | null }>();

/** The line to the partner worker (the page sends it once, right after starting both). */
export function connectPartner(port: MessagePort): void {
  partner = port;
  port.onmessage = (event: MessageEvent<PartnerMessage>) => {
    const message = event.data;
    if (message.kind === "band") void encodeForPartner(port, message);
    else if (message.kind === "top")
      halfArrived(port, message.id, { top: message.jpeg && new Uint8Array(message.jpeg) });
    else {
      const pending = asked.get(message.id);
      if (!pending) return;
      const step = message.kind === "banded" ? pending.banded : pending.scan;
      const bytes = message.kind === "banded" ? message.jpeg : message.scan;
      if (bytes) step.resolve(bytes);
      else step.reject(new Error(message.error ?? "partner failed"));
    }
  };
}

/** The partner died (the page saw its error): photos take the one-worker path, and what it owed fails. */
export function partnerLost(): void {
  partner = undefined;
  for (const { banded, scan } of asked.values()) {
    banded.reject(new Error("partner worker lost"));
    scan.reject(new Error("partner worker lost"));
  }
  asked.clear();
}

/**
 * Shrinks the frame to `shown` (its size as displayed) and encodes it as one baseline JPEG of the stored
 * pixels, in two bands on two workers. Null when it cannot be done that way here (no partner, a mirrored or
 * small frame, halves that will not join, an output over `limit`): the caller encodes in one piece, from the
 * same frame, which this leaves open.
 */
export async function encodeInBands(
  frame: VideoFrame,
  shown: { width: number; height: number },
  quality: number,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const port = partner;
  // WebCodecs' rotation and flip (Chromium 131+; not yet in TypeScript's DOM types). An engine without them
  // says nothing of how its frames are turned: it gets the one-piece path.
  const { rotation, flip } = frame as VideoFrame & { rotation?: unknown; flip?: unknown };
  if (!port || typeof rotation !== "number" || typeof flip !== "boolean") return null;
  const opposite = await cropSide(rotation);
  if (opposite === null) return null;
  const turned = rotation === 90 || rotation === 270;
  const swap = (s: { width: number; height: number }) => (turned ? { width: s.height, height: s.width } : s);
  const decoded = swap({ width: frame.displayWidth, height: frame.displayHeight });
  const plan = planBands(decoded, swap(shown), rotation, flip, opposite);
  if (!plan) return null;
  const [top, bottom] = plan.bands;

  const id = nextId++;
  const steps = { banded: deferred<ArrayBuffer>(), scan: deferred<ArrayBuffer>() };
  asked.set(id, steps);
  // Once asked, the partner holds its band until it has this worker's half too (or word that there is none).
  let sent = false;
  const send = (jpeg: Uint8Array | null) => {
    sent = true;
    const copy = jpeg ? jpeg.slice().buffer : null;
    port.postMessage({ kind: "top", id, jpeg: copy } satisfies PartnerMessage, copy ? [copy] : []);
  };
  try {
    // The clone shares the decoded pixels; moving it to the partner copies nothing.
    const copy = frame.clone();
    port.postMessage({ kind: "band", id, frame: copy, band: bottom, quality } satisfies PartnerMessage, [copy]);
    const mine = new Uint8Array(await encodeBand(frame, top, quality));
    send(mine);
    const theirs = new Uint8Array(await steps.banded.promise);
    const joinPlan = planJoin(mine, theirs);
    if (!joinPlan) return null;
    const topScan = joinScan(mine, joinPlan, "top");
    const bottomScan = new Uint8Array(await steps.scan.promise);
    if (!topScan) return null;
    const joined = assembleJoin(joinPlan, topScan, bottomScan);
    return joined.byteLength < limit ? joined : null;
  } catch {
    return null;
  } finally {
    if (!sent) send(null);
    asked.delete(id);
  }
}

async function encodeForPartner(port: MessagePort, ask: Extract<PartnerMessage, { kind: "band" }>): Promise<void> {
  let bottom: Uint8Array | null = null;
  try {
    bottom = new Uint8Array(await encodeBand(ask.frame, ask.band, ask.quality));
    // A copy: this worker keeps its half to re-code it.
    const copy = bottom.slice().buffer;
    port.postMessage({ kind: "banded", id: ask.id, jpeg: copy } satisfies PartnerMessage, [copy]);
  } catch (error) {
    port.postMessage({ kind: "banded", id: ask.id, error: String(error) } satisfies PartnerMessage);
  } finally {
    ask.frame.close();
  }
  halfArrived(port, ask.id, { bottom });
}

/** Once both halves are here: the same plan the partner makes, and this worker's half re-coded into it. */
function halfArrived(port: MessagePort, id: number, half: { bottom?: Uint8Array | null; top?: Uint8Array | null }) {
  const halves = { ...answering.get(id), ...half };
  if (halves.bottom === undefined || halves.top === undefined) {
    answering.set(id, halves);
    return;
  }
  answering.delete(id);
  const { top, bottom } = halves;
  if (!top || !bottom) return; // one side failed: the partner is not waiting for a scan
  const joinPlan = planJoin(top, bottom);
  const scan = joinPlan && joinScan(bottom, joinPlan, "bottom");
  if (!scan) {
    port.postMessage({ kind: "scan", id, error: "halves do not join" } satisfies PartnerMessage);
    return;
  }
  const own = scan.slice().buffer; // the scan may be a view into a larger buffer
  port.postMessage({ kind: "scan", id, scan: own } satisfies PartnerMessage, [own]);
}

/**
 * One band: cropped and shrunk in one step by createImageBitmap (a crop of a frame costs its share of the
 * whole shrink), then encoded through a bitmaprenderer canvas, which writes the pixels as stored.
 */
async function encodeBand(frame: VideoFrame, band: Band, quality: number): Promise<ArrayBuffer> {
  const { sx, sy, sw, sh } = band.crop;
  const bitmap = await createImageBitmap(frame, sx, sy, sw, sh, {
    resizeWidth: band.size.width,
    resizeHeight: band.size.height,
    resizeQuality: "high",
  });
  if (bitmap.width !== band.size.width || bitmap.height !== band.size.height) {
    bitmap.close();
    throw new Error(`band shrunk to ${bitmap.width}×${bitmap.height}`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const renderer = canvas.getContext("bitmaprenderer");
  if (!renderer) {
    bitmap.close();
    throw new Error("no bitmaprenderer");
  }
  renderer.transferFromImageBitmap(bitmap);
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
  return blob.arrayBuffer();
}

/**
 * Joins two small halves a few times while the worker idles. The join is plain JavaScript: cold, re-coding a
 * 12 MP photo's half took ~11 ms instead of ~3.5, and V8 also throws its optimised code away the first time
 * a branch it never saw runs. So the practice halves hold what photos and screenshots do: grain (large
 * coefficients, long codes), smooth gradients (runs of zeros, end-of-block), flat areas and hard edges.
 */
export async function warmJoin(): Promise<void> {
  const half = async (seed: number) => {
    const [width, height] = [384, 192];
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext("2d");
    if (!ctx) return null;
    const pixels = ctx.createImageData(width, height);
    let x = seed;
    for (let y = 0; y < height; y++) {
      for (let i = 0; i < width; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const grain = (x >>> 24) - 128;
        const band = Math.floor((3 * i) / width); // grain | gradient with a little grain | flat with edges
        const at = 4 * (y * width + i);
        for (let c = 0; c < 3; c++) {
          const smooth = (i * (c + 1) + y * (3 - c)) % 256;
          const edges = (Math.floor(i / 12) + Math.floor(y / 12)) % 2 ? 250 : 20;
          pixels.data[at + c] = band === 0 ? 128 + grain : band === 1 ? smooth + (grain >> 4) : edges;
        }
        pixels.data[at + 3] = 255;
      }
    }
    ctx.putImageData(pixels, 0, 0);
    return new Uint8Array(await (await canvas.convertToBlob({ type: "image/jpeg", quality: 0.85 })).arrayBuffer());
  };
  const [top, bottom] = await Promise.all([half(1), half(2)]);
  if (!top || !bottom) return;
  for (let i = 0; i < 6; i++) joinJpegHalves(top, bottom);
}

/** EXIF orientations shown turned by 0°, 90°, 180° and 270° clockwise. */
const ORIENTATION_OF_ROTATION: Record<number, number> = { 0: 1, 90: 6, 180: 3, 270: 8 };
const cropSides = new Map<number, Promise<boolean | null>>();

/**
 * Which side a crop of a turned frame is read from, measured once per rotation: Chromium 156 reads
 * `createImageBitmap(frame, sx, …)` of a frame turned 90° or 270° from the opposite side than displayed
 * coordinates say (while it shrinks and turns the whole frame correctly). Rather than hard-code that, a
 * small JPEG (stored top red, bottom blue) turned that way is cut and encoded exactly like a band, and the
 * colour that comes out tells. False: as displayed; true: the other side; null: neither (no split).
 */
export function cropSide(rotation: number): Promise<boolean | null> {
  let side = cropSides.get(rotation);
  if (!side) {
    side = probeCropSide(rotation).catch(() => null);
    cropSides.set(rotation, side);
  }
  return side;
}

async function probeCropSide(rotation: number): Promise<boolean | null> {
  const orientation = ORIENTATION_OF_ROTATION[rotation];
  if (!orientation || typeof ImageDecoder !== "function") return null;
  const size = 64;
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext("2d");
  if (!ctx) return null;
  ctx.fillStyle = "#ff0000";
  ctx.fillRect(0, 0, size, size / 2);
  ctx.fillStyle = "#0000ff";
  ctx.fillRect(0, size / 2, size, size / 2);
  const plain = new Uint8Array(await (await canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 })).arrayBuffer());
  const data = withOrientation(plain, orientation) as Uint8Array<ArrayBuffer>;
  const decoder = new ImageDecoder({ type: "image/jpeg", data });
  try {
    const { image } = await decoder.decode();
    try {
      if ((image as VideoFrame & { rotation?: unknown }).rotation !== rotation) return null;
      // The stored top half, shrunk to half its size, as a band would be.
      const band = bandOf({ width: size, height: size }, size / 2, [0, size / 2], size / 4, rotation, false);
      const encoded = await encodeBand(image, band, 0.95);
      const bitmap = await createImageBitmap(new Blob([encoded], { type: "image/jpeg" }));
      const check = new OffscreenCanvas(bitmap.width, bitmap.height);
      const checkCtx = check.getContext("2d");
      if (!checkCtx || bitmap.width !== size / 2 || bitmap.height !== size / 4) return null;
      checkCtx.drawImage(bitmap, 0, 0);
      const [r, , b] = checkCtx.getImageData(size / 4, size / 8, 1, 1).data;
      if (r! > 170 && b! < 100) return false;
      if (b! > 170 && r! < 100) return true;
      return null;
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}
