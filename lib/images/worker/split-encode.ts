// A photo's JPEG decode, shrink and encode on both cores. This worker (the lead) and its partner (a second
// worker the page starts beside it, joined by a MessageChannel) each shrink and encode parts of the picture,
// and the parts become one JPEG (jpeg-join-parts.ts: one set of Huffman tables, restart markers at the cuts).
//
// Decoding is one job on a browser decoder thread and takes over half the time, so a sequential JPEG is
// decoded twice at once: whole, and its top half alone (jpeg-top.ts), which is ready in about half the time.
// The lead shrinks and encodes the top two of four parts from the top half while the whole still decodes;
// then the lead and the partner each take one of the bottom two. A JPEG that cannot be decoded by halves
// (progressive) is cut in two parts once decoded whole, one for each worker.
//
// The conversation for one photo (L the lead, P the partner; every part's JPEG goes to the other side):
//   L → P  begin: how many parts, and which of them P re-codes (the second half of them)
//   L → P  part: each JPEG L encodes (null: it failed; then nobody joins)
//   L → P  encode: the whole frame (a clone: the decoded pixels are shared) and the crop of P's part
//   P → L  part: the JPEG P encodes
// With every part, both make the same join plan (planJoinParts is deterministic) and re-code their share of
// the parts into its tables at the same time; then
//   P → L  scan: each of P's re-coded parts, and L assembles the file.
// Every worker runs both sides: it could lead, and it answers its partner.
import { bandOf, planParts, type Band, type PartPlan, type Size } from "../band-plan";
import { assembleJoinParts, joinPartScan, planJoinParts } from "../jpeg-join";
import { jpegTop } from "../jpeg-top";
import { cropSide, encodeBand, ROTATION_OF_ORIENTATION } from "./band-encode";

type PartnerMessage =
  | { kind: "begin"; id: number; count: number; recode: number[] }
  | { kind: "part"; id: number; index: number; jpeg: ArrayBuffer | null }
  | { kind: "encode"; id: number; index: number; frame: VideoFrame; band: Band; quality: number }
  | { kind: "scan"; id: number; index: number; scan: ArrayBuffer | null };

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

let partner: MessagePort | undefined;
let nextId = 1;
/** Photos this worker leads: what it waits for from the partner, by part (null: failed or lost). */
const leading = new Map<
  number,
  { parts: Map<number, Deferred<Uint8Array | null>>; scans: Map<number, Deferred<Uint8Array | null>> }
>();
/** Photos this worker helps with: every part's JPEG as it arrives, until all are here. */
const helping = new Map<number, { parts: (Uint8Array | null | undefined)[]; recode: number[] }>();

/** The line to the partner worker (the page sends it once, right after starting both). */
export function connectPartner(port: MessagePort): void {
  partner = port;
  port.onmessage = (event: MessageEvent<PartnerMessage>) => {
    const message = event.data;
    if (message.kind === "begin") {
      helping.set(message.id, { parts: new Array<undefined>(message.count).fill(undefined), recode: message.recode });
    } else if (message.kind === "encode") {
      void encodeForLead(port, message);
    } else {
      const bytes = message.kind === "part" ? message.jpeg : message.scan;
      const lead = leading.get(message.id);
      const waiting = lead && (message.kind === "part" ? lead.parts : lead.scans).get(message.index);
      if (waiting) waiting.resolve(bytes && new Uint8Array(bytes));
      else if (message.kind === "part") partArrived(port, message.id, message.index, bytes && new Uint8Array(bytes));
    }
  };
}

/** The partner died (the page saw its error): photos take the one-worker path, and what it owed is null. */
export function partnerLost(): void {
  partner = undefined;
  for (const { parts, scans } of leading.values()) {
    for (const waiting of [...parts.values(), ...scans.values()]) waiting.resolve(null);
  }
}

export interface SplitInput {
  /** The whole file; handed over to the decoder. */
  bytes: ArrayBuffer;
  /** As stored, with its EXIF orientation. */
  header: { width: number; height: number; orientation: number };
  /** The output's size as displayed. */
  shown: Size;
  /** The libjpeg scale (n/8) the decoder is asked for: the smallest that still covers `shown`. */
  numerator: number;
  quality: number;
  limit: number;
}

/**
 * The JPEG of the photo shrunk to `shown`, made in parts on both workers: `{ jpeg }`. If it could not be done
 * that way once decoding started (an unexpected frame, a part that failed, parts that will not join, an
 * output over `limit`), the whole decoded frame for the caller to encode in one piece: `{ frame }`. Null when
 * nothing was started (no partner, a mirrored orientation, a picture too small to cut): the caller decodes.
 */
export async function shrinkInParts(
  input: SplitInput,
): Promise<{ jpeg: Uint8Array<ArrayBuffer> } | { frame: VideoFrame } | null> {
  const { header, numerator: n } = input;
  const port = partner;
  const rotation = ROTATION_OF_ORIENTATION[header.orientation];
  if (!port || rotation === undefined || typeof ImageDecoder !== "function") return null;
  const opposite = await cropSide(rotation);
  if (opposite === null) return null;
  const turned = rotation % 180 !== 0;
  const stored = (s: Size) => (turned ? { width: s.height, height: s.width } : s);
  const scaled = (rows: number) => ({ width: Math.ceil((header.width * n) / 8), height: Math.ceil((rows * n) / 8) });
  const decoded = scaled(header.height);
  const output = stored(input.shown);

  // Four parts with the top two from the top half where the file allows it, else two from the whole.
  let plan = planParts(decoded, output, 4);
  const top = plan && jpegTop(new Uint8Array(input.bytes), Math.ceil((plan.parts[1]!.source[1] * 8) / n));
  if (!top) plan = planParts(decoded, output, 2);
  if (!plan) return null;
  const fromTop = top ? 2 : 0;

  const topFrame = top ? decodeAt(top.jpeg.buffer, header.width, top.rows, n, rotation).catch(() => null) : null;
  const whole = decodeAt(input.bytes, header.width, header.height, n, rotation).catch(() => null);
  const jpeg = await encodeParts(
    port,
    { plan, fromTop, whole, topFrame, decoded, topDecoded: top && scaled(top.rows) },
    {
      width: output.width,
      rotation,
      opposite,
      quality: input.quality,
    },
  );
  const frame = await whole;
  if (!frame) throw new Error("the photo did not decode");
  if (!jpeg || jpeg.byteLength >= input.limit) return { frame };
  frame.close();
  return { jpeg };
}

/** A JPEG decoded at n/8; null when it does not decode to that size, turned as expected and unmirrored. */
async function decodeAt(
  data: ArrayBuffer,
  width: number,
  height: number,
  n: number,
  rotation: number,
): Promise<VideoFrame | null> {
  const decoder = new ImageDecoder({
    type: "image/jpeg",
    data,
    transfer: [data],
    // Chromium reads these as a pixel budget: the largest of libjpeg's n/8 scales that fits it.
    desiredWidth: Math.ceil((width * (n + 0.5)) / 8),
    desiredHeight: Math.ceil((height * (n + 0.5)) / 8),
  });
  try {
    const { image } = await decoder.decode();
    const { rotation: turn, flip } = image as VideoFrame & { rotation?: unknown; flip?: unknown };
    const turned = rotation % 180 !== 0;
    const stored = turned
      ? { width: image.displayHeight, height: image.displayWidth }
      : { width: image.displayWidth, height: image.displayHeight };
    const expected = { width: Math.ceil((width * n) / 8), height: Math.ceil((height * n) / 8) };
    if (turn === rotation && flip === false && stored.width === expected.width && stored.height === expected.height)
      return image;
    image.close();
    return null;
  } finally {
    decoder.close();
  }
}

interface Frames {
  plan: PartPlan;
  /** How many parts (from the top) come from the top-half frame. */
  fromTop: number;
  whole: Promise<VideoFrame | null>;
  topFrame: Promise<VideoFrame | null> | null;
  /** Sizes as stored, decoded. */
  decoded: Size;
  topDecoded: Size | null;
}

/**
 * The lead's side of one photo: its parts encoded as their frames arrive (the top ones from the top half
 * while the whole still decodes), the partner asked for its part as soon as the whole is decoded, the join.
 * Null if any part failed or the parts do not join. Closes the top frame, never the whole one.
 */
async function encodeParts(
  port: MessagePort,
  { plan, fromTop, whole, topFrame, decoded, topDecoded }: Frames,
  how: { width: number; rotation: number; opposite: boolean; quality: number },
): Promise<Uint8Array<ArrayBuffer> | null> {
  const count = plan.parts.length;
  const theirs = count - 1; // the partner encodes the last part and re-codes the second half of them
  const recodedThere = Array.from({ length: count - Math.floor(count / 2) }, (_, i) => Math.floor(count / 2) + i);
  const id = nextId++;
  const state = {
    parts: new Map([[theirs, deferred<Uint8Array | null>()]]),
    scans: new Map(recodedThere.map((i) => [i, deferred<Uint8Array | null>()])),
  };
  leading.set(id, state);
  port.postMessage({ kind: "begin", id, count, recode: recodedThere } satisfies PartnerMessage);
  const band = (index: number, frame: Size) => {
    const part = plan.parts[index]!;
    return bandOf(frame, how.width, part.source, part.rows, how.rotation, how.opposite);
  };
  const mine: (Uint8Array | null)[] = [];
  const share = (index: number, jpeg: Uint8Array | null) => {
    mine[index] = jpeg;
    const copy = jpeg ? jpeg.slice().buffer : null;
    port.postMessage({ kind: "part", id, index, jpeg: copy } satisfies PartnerMessage, copy ? [copy] : []);
  };
  let done = false;
  let asked = false;
  // The partner starts on its part the moment the whole frame is decoded, whatever the lead is doing.
  const wholeReady = whole.then((frame) => {
    if (frame && !done) {
      const clone = frame.clone();
      const ask: PartnerMessage = {
        kind: "encode",
        id,
        index: theirs,
        frame: clone,
        band: band(theirs, decoded),
        quality: how.quality,
      };
      port.postMessage(ask, [clone]);
      asked = true;
    }
    return frame;
  });
  try {
    for (let index = 0; index < theirs; index++) {
      const top = index < fromTop;
      const frame = await (top ? topFrame : wholeReady);
      if (!frame) return null;
      share(index, new Uint8Array(await encodeBand(frame, band(index, top ? topDecoded! : decoded), how.quality)));
    }
    const parts = [...mine.slice(0, theirs), await state.parts.get(theirs)!.promise];
    if (parts.some((p) => !p)) return null;
    const joinPlan = planJoinParts(parts as Uint8Array[]);
    if (!joinPlan) return null;
    const scans = parts.map((p, i) => (recodedThere.includes(i) ? null : joinPartScan(p!, joinPlan, i)));
    for (const i of recodedThere) scans[i] = await state.scans.get(i)!.promise;
    if (scans.some((s) => !s)) return null;
    return assembleJoinParts(joinPlan, scans as Uint8Array[]);
  } catch {
    return null;
  } finally {
    done = true;
    // The partner holds its parts until it has heard of every one: of the lead's, and of its own if never asked.
    for (let index = 0; index < theirs; index++) if (mine[index] === undefined) share(index, null);
    if (!asked) port.postMessage({ kind: "part", id, index: theirs, jpeg: null } satisfies PartnerMessage);
    leading.delete(id);
    void topFrame?.then((frame) => frame?.close());
  }
}

async function encodeForLead(port: MessagePort, ask: Extract<PartnerMessage, { kind: "encode" }>): Promise<void> {
  let jpeg: Uint8Array | null = null;
  try {
    jpeg = new Uint8Array(await encodeBand(ask.frame, ask.band, ask.quality));
  } catch {
    jpeg = null;
  } finally {
    ask.frame.close();
  }
  const copy = jpeg ? jpeg.slice().buffer : null;
  port.postMessage(
    { kind: "part", id: ask.id, index: ask.index, jpeg: copy } satisfies PartnerMessage,
    copy ? [copy] : [],
  );
  partArrived(port, ask.id, ask.index, jpeg);
}

/** Once every part is here: the same plan the lead makes, and this worker's share re-coded into it. */
function partArrived(port: MessagePort, id: number, index: number, jpeg: Uint8Array | null): void {
  const state = helping.get(id);
  if (!state) return;
  state.parts[index] = jpeg;
  if (state.parts.some((p) => p === undefined)) return;
  helping.delete(id);
  if (state.parts.some((p) => !p)) return; // a part failed: the lead joins nothing and waits for no scan
  const plan = planJoinParts(state.parts as Uint8Array[]);
  for (const i of state.recode) {
    const scan = plan && joinPartScan(state.parts[i]!, plan, i);
    const own = scan ? scan.slice().buffer : null; // a scan may be a view into a larger buffer
    port.postMessage({ kind: "scan", id, index: i, scan: own } satisfies PartnerMessage, own ? [own] : []);
  }
}
