// A photo's parts shrunk and encoded on two workers, and joined: this worker (the lead) and its partner (a
// second worker the page starts beside it, joined by a MessageChannel) each encode some of the parts
// (shrink-jpeg.ts decides them), and the parts become one JPEG (jpeg-join-parts.ts: one set of Huffman
// tables, restart markers at the cuts).
//
// The conversation for one photo (L the lead, P the partner):
//   L → P  begin: how many parts, which of them P re-codes, and how the join's tables are planned
//   L → P  part: the JPEGs P needs to plan the join (null: one failed, then nobody joins)
//   L → P  encode: the whole frame (a clone: the decoded pixels are shared) and the crop of P's part
//   P → L  part: the JPEG of P's part
//   P → L  scan: each part P re-codes into the plan's tables (null: it could not), and L assembles the file.
// Both make the same plan from the same JPEGs (the planners are deterministic). With a top half, the plan is
// made from the top two parts alone, with a code for every symbol a JPEG can hold (planJoinCovering): P
// re-codes the top two while the whole still decodes, and each part is re-coded as soon as it is encoded.
// If the bottom is quite another picture than the top, L plans from all parts instead (planJoinParts) and
// re-codes them all itself. With two parts, the plan is made from both and each side re-codes one.
// Every worker runs both sides: it could lead, and it answers its partner.
import { bandOf, type Band, type PartPlan, type Size } from "../band-plan";
import {
  assembleJoinParts,
  coveringGrowth,
  joinPartScan,
  planJoinCovering,
  planJoinParts,
  type JoinPartsPlan,
} from "../jpeg-join";
import { encodeBand } from "./band-encode";

type PartnerMessage =
  | { kind: "begin"; id: number; count: number; recode: number[]; early: Early | null }
  | { kind: "part"; id: number; index: number; jpeg: ArrayBuffer | null }
  | { kind: "encode"; id: number; index: number; frame: VideoFrame; band: Band; quality: number }
  | { kind: "scan"; id: number; index: number; scan: ArrayBuffer | null };

/** A plan made from the first parts: how many, and the last part's rows (the others are as tall as those). */
interface Early {
  first: number;
  lastRows: number;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

/** A part whose codes would grow more than this in tables planned from the top parts gets a plan from all. */
const MAX_COVERING_GROWTH = 0.1;
/**
 * How long the lead waits for its partner with nothing heard before it gives up on it for this photo: it
 * re-codes the parts it has itself, or encodes the photo in one piece. A partner that dies without an error
 * event (out of memory) must not leave a photo "preparing" for ever. A photo's parts take well under a second.
 */
export const PARTNER_SILENCE_MS = 5000;

let partner: MessagePort | undefined;
let nextId = 1;
/** Photos this worker leads: what it waits for from the partner, by part (null: failed or lost). */
const leading = new Map<
  number,
  { parts: Map<number, Deferred<Uint8Array | null>>; scans: Map<number, Deferred<Uint8Array | null>> }
>();
/** Photos this worker helps with: the parts' JPEGs as they arrive, the plan once it can be made, and which
 * of its re-coded parts went back. */
interface Helping {
  parts: (Uint8Array | null | undefined)[];
  recode: number[];
  early: Early | null;
  plan?: JoinPartsPlan | null;
  sent: Set<number>;
}
const helping = new Map<number, Helping>();

/** The line to the partner worker (the page sends it once, right after starting both). */
export function connectPartner(port: MessagePort): void {
  partner = port;
  port.onmessage = (event: MessageEvent<PartnerMessage>) => {
    const message = event.data;
    if (message.kind === "begin") {
      const parts = new Array<undefined>(message.count).fill(undefined);
      helping.set(message.id, { parts, recode: message.recode, early: message.early, sent: new Set() });
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

/** The line to the partner, while there is one. */
export function partnerPort(): MessagePort | undefined {
  return partner;
}

/** The partner died (the page saw its error): photos take the one-worker path, and what it owed is null. */
export function partnerLost(): void {
  partner = undefined;
  helping.clear();
  for (const { parts, scans } of leading.values()) {
    for (const waiting of [...parts.values(), ...scans.values()]) waiting.resolve(null);
  }
}

export interface Frames {
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
 * while the whole still decodes) and re-coded as soon as the plan allows, the partner asked for its part as
 * soon as the whole is decoded, the join. Null if any part failed, the parts do not join, or the partner
 * went quiet before its part came. Closes the top frame, never the whole one.
 */
export async function encodeParts(
  port: MessagePort,
  { plan, fromTop, whole, topFrame, decoded, topDecoded }: Frames,
  how: { width: number; rotation: number; opposite: boolean; quality: number },
): Promise<Uint8Array<ArrayBuffer> | null> {
  const count = plan.parts.length;
  const theirs = count - 1; // the partner encodes the last part
  // With a top half the plan comes early: the partner, idle until the whole is decoded, re-codes the top
  // parts then, and its own part as soon as it is encoded; the lead re-codes its other parts as it goes.
  // Else the partner re-codes the second half of the parts once the plan is made from all of them.
  const early: Early | null = fromTop > 0 ? { first: fromTop, lastRows: plan.parts[theirs]!.rows } : null;
  const recodedThere = early
    ? [...Array.from({ length: fromTop }, (_, i) => i), theirs]
    : Array.from({ length: count - Math.floor(count / 2) }, (_, i) => Math.floor(count / 2) + i);
  const id = nextId++;
  const state = {
    parts: new Map([[theirs, deferred<Uint8Array | null>()]]),
    scans: new Map(recodedThere.map((i) => [i, deferred<Uint8Array | null>()])),
  };
  leading.set(id, state);
  const giveUp = () => {
    for (const waiting of [...state.parts.values(), ...state.scans.values()]) waiting.resolve(null);
  };
  // The partner may have been lost while this photo was on its way here (partnerLost settles only the
  // photos it finds); and one that goes quiet is given up on after a while.
  if (partner !== port) giveUp();
  let done = false;
  // Counted from when the partner is asked for its part, and again from each answer.
  let silence: ReturnType<typeof setTimeout> | undefined;
  const listen = () => {
    if (done) return;
    clearTimeout(silence);
    silence = setTimeout(giveUp, PARTNER_SILENCE_MS);
  };
  for (const waiting of [...state.parts.values(), ...state.scans.values()]) void waiting.promise.then(listen);
  port.postMessage({ kind: "begin", id, count, recode: recodedThere, early } satisfies PartnerMessage);
  const band = (index: number, frame: Size) => {
    const part = plan.parts[index]!;
    return bandOf(frame, how.width, part.source, part.rows, how.rotation, how.opposite);
  };
  const mine: (Uint8Array | null)[] = [];
  const sharedUpTo = early ? early.first : theirs; // the parts the partner plans from
  const keep = (index: number, jpeg: Uint8Array | null) => {
    mine[index] = jpeg;
    if (index >= sharedUpTo) return;
    const copy = jpeg ? jpeg.slice().buffer : null;
    port.postMessage({ kind: "part", id, index, jpeg: copy } satisfies PartnerMessage, copy ? [copy] : []);
  };
  let asked = false;
  // The partner starts on its part the moment the whole frame is decoded, whatever the lead is doing.
  const wholeReady = whole.then((frame) => {
    if (frame && !done) {
      const clone = frame.clone();
      const band3 = band(theirs, decoded);
      const ask: PartnerMessage = {
        kind: "encode",
        id,
        index: theirs,
        frame: clone,
        band: band3,
        quality: how.quality,
      };
      port.postMessage(ask, [clone]);
      asked = true;
      listen();
    }
    return frame;
  });
  try {
    const scans: (Uint8Array | null)[] = [];
    let joinPlan: JoinPartsPlan | null = null;
    for (let index = 0; index < theirs; index++) {
      const top = index < fromTop;
      const frame = await (top ? topFrame : wholeReady);
      if (!frame) return null;
      keep(index, new Uint8Array(await encodeBand(frame, band(index, top ? topDecoded! : decoded), how.quality)));
      if (top && index + 1 === fromTop) frame.close(); // its pixels are no longer needed
      if (early && index + 1 === early.first) {
        joinPlan = planJoinCovering(mine.slice(0, early.first) as Uint8Array[], { count, lastRows: early.lastRows });
        if (!joinPlan) return null;
      } else if (joinPlan) {
        scans[index] = joinPartScan(mine[index]!, joinPlan, index);
      }
    }
    const parts = [...mine.slice(0, theirs), await state.parts.get(theirs)!.promise];
    if (parts.some((p) => !p)) return null;
    if (early && joinPlan) {
      // Tables planned from the top suit the bottom too, unless it is quite another picture (a smooth sky
      // above busy ground: the ground's codes would grow by half). Then plan from all parts after all.
      const plan = joinPlan;
      const fits = parts.slice(early.first).every((p) => (coveringGrowth(p!, plan) ?? Infinity) <= MAX_COVERING_GROWTH);
      if (fits) {
        for (const i of recodedThere) scans[i] = await state.scans.get(i)!.promise;
        if (scans.length === count && !Array.from(scans).some((scan) => !scan))
          return assembleJoinParts(plan, scans as Uint8Array[]);
      }
    }
    joinPlan = planJoinParts(parts as Uint8Array[]);
    if (!joinPlan) return null;
    if (early) {
      // The partner's scans follow the early plan: this worker re-codes every part itself.
      const plan = joinPlan;
      const all = parts.map((p, i) => joinPartScan(p!, plan, i));
      return all.some((scan) => !scan) ? null : assembleJoinParts(plan, all as Uint8Array[]);
    }
    for (let i = 0; i < count; i++) if (!recodedThere.includes(i)) scans[i] = joinPartScan(parts[i]!, joinPlan, i);
    for (const i of recodedThere) scans[i] = await state.scans.get(i)!.promise;
    if (scans.length !== count || Array.from(scans).some((scan) => !scan)) return null;
    return assembleJoinParts(joinPlan, scans as Uint8Array[]);
  } catch {
    return null;
  } finally {
    done = true;
    // The partner holds what it has until it has heard of every part it plans from, and of its own.
    for (let index = 0; index < sharedUpTo; index++) if (mine[index] === undefined) keep(index, null);
    if (!asked) port.postMessage({ kind: "part", id, index: theirs, jpeg: null } satisfies PartnerMessage);
    clearTimeout(silence);
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
  // The lead plans from all parts with it (two parts, or a bottom unlike the top), or checks it fits.
  const copy = jpeg ? jpeg.slice().buffer : null;
  port.postMessage(
    { kind: "part", id: ask.id, index: ask.index, jpeg: copy } satisfies PartnerMessage,
    copy ? [copy] : [],
  );
  partArrived(port, ask.id, ask.index, jpeg);
}

/** A part is here (from the lead, or encoded here): plan once the parts the plan needs are in, and send back
 * each part this worker re-codes as soon as both it and the plan are there. Whatever goes wrong here, the
 * lead gets an answer for every part it waits on (null: it re-codes or gives up), never silence. */
function partArrived(port: MessagePort, id: number, index: number, jpeg: Uint8Array | null): void {
  const state = helping.get(id);
  if (!state) return;
  state.parts[index] = jpeg;
  const needed = state.parts.slice(0, state.early ? state.early.first : state.parts.length);
  if (state.plan === undefined && needed.every((p) => p !== undefined)) {
    try {
      state.plan = needed.some((p) => !p)
        ? null
        : state.early
          ? planJoinCovering(needed as Uint8Array[], { count: state.parts.length, lastRows: state.early.lastRows })
          : planJoinParts(needed as Uint8Array[]);
    } catch {
      state.plan = null;
    }
  }
  if (state.plan === undefined) return;
  for (const i of state.recode) {
    const part = state.parts[i];
    if (state.sent.has(i) || part === undefined) continue;
    let own: ArrayBuffer | null = null;
    try {
      const scan = state.plan && part && joinPartScan(part, state.plan, i);
      own = scan ? scan.slice().buffer : null; // a scan may be a view into a larger buffer
    } catch {
      own = null;
    }
    port.postMessage({ kind: "scan", id, index: i, scan: own } satisfies PartnerMessage, own ? [own] : []);
    state.sent.add(i);
  }
  if (state.recode.every((i) => state.sent.has(i))) helping.delete(id);
}
