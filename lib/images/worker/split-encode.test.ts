// The two workers' conversation (split-encode.ts), both sides for real in one process: two copies of the
// module (each worker has its own), joined by a pair of fake ports that deliver a message on a later turn,
// structured-cloned with its transfer list as a MessagePort does, except the frame, which Node cannot clone
// and which is passed as it is (a fake VideoFrame that counts its closes). The browser's crop-shrink-encode
// (encodeBand) is mocked: it hands out parts of a picture encoded with sharp (4:2:0, optimised tables).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { photoPixels } from "@/test/images";
import { planParts, type Band, type PartPlan, type Size } from "../band-plan";
import { assembleJoinParts, joinPartScan, planJoinCovering, planJoinParts } from "../jpeg-join";
import { bands, compareStacked } from "../jpeg-join-testing";
import type * as JpegJoin from "../jpeg-join";
import type * as SplitEncodeModule from "./split-encode";

type SplitEncode = typeof SplitEncodeModule;

interface FakeFrame {
  name: string;
  closes: number;
  clones: FakeFrame[];
  displayWidth: number;
  displayHeight: number;
  codedWidth: number;
  codedHeight: number;
  rotation: number;
  flip: boolean;
  clone(): FakeFrame;
  close(): void;
}

function fakeFrame(name: string, size: Size): FakeFrame {
  const frame: FakeFrame = {
    name,
    closes: 0,
    clones: [],
    displayWidth: size.width,
    displayHeight: size.height,
    codedWidth: size.width,
    codedHeight: size.height,
    rotation: 0,
    flip: false,
    clone() {
      const copy = fakeFrame(`${name} clone`, size);
      frame.clones.push(copy);
      return copy;
    },
    close() {
      frame.closes++;
    },
  };
  return frame;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What the mocked encodeBand hands out (part JPEGs, found by the crop's first source row) and what it did. */
const encoder = vi.hoisted(() => ({
  parts: [] as Buffer[],
  bySourceRow: new Map<number, number>(),
  fail: new Set<number>(),
  hang: new Set<number>(),
  corrupt: new Set<number>(),
  used: [] as { index: number; frame: string }[],
  busy: 0,
}));

vi.mock("./band-encode", () => ({
  encodeBand: async (frame: FakeFrame, band: Band): Promise<ArrayBuffer> => {
    const index = encoder.bySourceRow.get(band.crop.sy)!;
    encoder.used.push({ index, frame: frame.name });
    if (frame.closes > 0) throw new Error(`${frame.name} used after close`);
    if (encoder.hang.has(index)) return new Promise<never>(() => {});
    encoder.busy++;
    await tick();
    encoder.busy--;
    if (encoder.fail.has(index)) throw new Error(`part ${index} failed`);
    expect(band.size).toEqual({ width: WIDTH, height: band.rows });
    const part = encoder.parts[index]!;
    return Uint8Array.from(encoder.corrupt.has(index) ? part.subarray(0, part.length >> 1) : part).buffer;
  },
}));

/** Makes re-coding one part throw, on either side (a bug or a part that slipped past the plan's checks). */
const recoder = vi.hoisted(() => ({ throwAt: -1 }));

vi.mock("../jpeg-join", async (importOriginal) => {
  const actual = await importOriginal<typeof JpegJoin>();
  return {
    ...actual,
    joinPartScan: (...args: Parameters<typeof actual.joinPartScan>) => {
      if (args[2] === recoder.throwAt) throw new Error(`re-coding part ${args[2]} failed`);
      return actual.joinPartScan(...args);
    },
  };
});

const WIDTH = 256;
const OUTPUT: Size = { width: WIDTH, height: 1024 };
const DECODED: Size = { width: 512, height: 2048 };

interface Sent {
  from: "lead" | "partner";
  data: { kind: string; id: number; index?: number; recode?: number[] };
}

/** Two ports: a message arrives on a later turn, cloned (its transfer list detaches), the frame as it is. */
function portPair(log: Sent[]) {
  let inFlight = 0;
  const make = (from: Sent["from"]) => ({
    onmessage: null as ((event: { data: unknown }) => void) | null,
    postMessage(data: Record<string, unknown>, transfer: unknown[] = []) {
      log.push({ from, data: data as unknown as Sent["data"] });
      const { frame, ...rest } = data;
      const copy = structuredClone(rest, { transfer: transfer.filter((t) => t !== frame) as Transferable[] });
      const other = from === "lead" ? partnerEnd : leadEnd;
      inFlight++;
      setImmediate(() => {
        inFlight--;
        other.onmessage?.({ data: frame ? { ...copy, frame } : copy });
      });
    },
  });
  const leadEnd = make("lead");
  const partnerEnd = make("partner");
  return {
    lead: leadEnd as unknown as MessagePort,
    partner: partnerEnd as unknown as MessagePort,
    inFlight: () => inFlight,
  };
}

/** Runs turns until `done`, or fails: nothing here waits on a clock, so a photo that never ends hangs. */
async function until(done: () => boolean, what: string, turns = 3000): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await tick();
  if (!done()) throw new Error(`hung: ${what}`);
}

async function settle<T>(promise: Promise<T>): Promise<T> {
  let over = false;
  void promise.then(() => (over = true));
  await until(() => over, "the photo never ended");
  return promise;
}

let log: Sent[];
let ports: ReturnType<typeof portPair>;
let lead: SplitEncode;

/** The lead's copy of the module and, unless `partner` is false (a partner that never answers), the partner's. */
async function connect(partner = true): Promise<void> {
  log = [];
  ports = portPair(log);
  vi.resetModules();
  lead = await import("./split-encode");
  lead.connectPartner(ports.lead);
  if (!partner) return;
  vi.resetModules();
  const other: SplitEncode = await import("./split-encode");
  other.connectPartner(ports.partner);
}

interface Photo {
  plan: PartPlan;
  result: Promise<Uint8Array | null>;
  parts: Buffer[];
  whole: FakeFrame;
  top: FakeFrame | null;
}

/** One photo of `pixels` (WIDTH × 1024 RGB) in `count` parts, `fromTop` of them from a top-half frame. */
async function photo(pixels: Buffer, count: number, fromTop: number, decodes = true): Promise<Photo> {
  const plan = planParts(DECODED, OUTPUT, count)!;
  const parts = await bands(
    pixels,
    WIDTH,
    plan.parts.map((part) => part.rows),
  );
  encoder.parts = parts;
  encoder.bySourceRow = new Map(plan.parts.map((part, index) => [part.source[0], index]));
  const whole = fakeFrame("whole", DECODED);
  const topDecoded = fromTop ? { width: DECODED.width, height: plan.parts[fromTop - 1]!.source[1] } : null;
  const top = topDecoded && fakeFrame("top", topDecoded);
  const result = lead.encodeParts(
    ports.lead,
    {
      plan,
      fromTop,
      whole: Promise.resolve(decodes ? (whole as unknown as VideoFrame) : null),
      topFrame: top && Promise.resolve(top as unknown as VideoFrame),
      decoded: DECODED,
      topDecoded,
    },
    { width: WIDTH, rotation: 0, opposite: false, quality: 0.85 },
  );
  return { plan, result, parts, whole, top };
}

/** Every message delivered, every encode over: then nothing of the photo is left running anywhere. */
async function quiet(): Promise<void> {
  await until(() => ports.inFlight() === 0 && encoder.busy === 0, "messages still flowing");
}

/** The partner answered every photo it was told of: a part for each encode asked, a scan (or null) for every
 * part it re-codes, so it let go of the photo (it forgets one only once all its scans went back). */
function expectPartnerAnswered(): void {
  for (const begin of log.filter((s) => s.from === "lead" && s.data.kind === "begin")) {
    const { id, recode } = begin.data;
    const scans = log.filter((s) => s.from === "partner" && s.data.id === id && s.data.kind === "scan");
    expect(scans.map((s) => s.data.index).sort()).toEqual([...recode!].sort());
    const asked = log.filter((s) => s.from === "lead" && s.data.id === id && s.data.kind === "encode").length;
    expect(log.filter((s) => s.from === "partner" && s.data.id === id && s.data.kind === "part")).toHaveLength(asked);
  }
}

/** The frames: the whole one is the caller's (never closed here), the top closed, and each clone sent off closed
 * once by the partner (a lost partner's go with it). */
function expectFrames({ whole, top }: Photo, partner = true): void {
  expect(whole.closes).toBe(0);
  for (const clone of whole.clones) expect(clone.closes).toBe(partner ? 1 : 0);
  if (top) expect(top.closes).toBeGreaterThanOrEqual(1);
}

async function expectJoined(p: Photo, count: number): Promise<Uint8Array> {
  const jpeg = await settle(p.result);
  expect(jpeg).not.toBeNull();
  expect((await compareStacked(p.parts, jpeg!)).away).toBe(0);
  await quiet();
  expect(encoder.used.filter((u) => u.frame === "whole clone").map((u) => u.index)).toEqual([count - 1]);
  expectPartnerAnswered();
  expectFrames(p);
  expect(vi.getTimerCount()).toBe(0); // the partner's watchdog is gone
  return jpeg!;
}

/** The file a join of the parts makes, its tables planned from the top `first` parts (covering) or from all. */
function joinedBy({ parts, plan }: Photo, first?: number): Uint8Array {
  const lastRows = plan.parts.at(-1)!.rows;
  const tables = first
    ? planJoinCovering(parts.slice(0, first), { count: parts.length, lastRows })!
    : planJoinParts(parts)!;
  return assembleJoinParts(
    tables,
    parts.map((part, i) => joinPartScan(part, tables, i)!),
  );
}

const grain = photoPixels(WIDTH, OUTPUT.height, 5);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  encoder.fail.clear();
  encoder.hang.clear();
  encoder.corrupt.clear();
  encoder.used = [];
  encoder.busy = 0;
  recoder.throwAt = -1;
});

afterEach(() => {
  vi.useRealTimers();
});

describe("encodeParts with a partner", () => {
  it("joins four parts planned early from the top two (top frame), and a second photo after it", async () => {
    await connect();
    for (let run = 0; run < 2; run++) {
      encoder.used = [];
      const p = await photo(grain, 4, 2);
      expect(await expectJoined(p, 4)).toEqual(joinedBy(p, 2)); // the early plan's file
      expect(encoder.used.filter((u) => u.frame === "top").map((u) => u.index)).toEqual([0, 1]);
      expect(encoder.used.filter((u) => u.frame === "whole").map((u) => u.index)).toEqual([2]);
      expect(p.whole.clones).toHaveLength(1);
    }
  });

  it("joins two parts planned from both (no top frame), and a second photo after it", async () => {
    await connect();
    for (let run = 0; run < 2; run++) {
      encoder.used = [];
      const p = await photo(grain, 2, 0);
      expect(await expectJoined(p, 2)).toEqual(joinedBy(p));
      expect(encoder.used.map((u) => u.frame).sort()).toEqual(["whole", "whole clone"]);
    }
  });

  it("plans from all four when the bottom is unlike the top (flat sky over grain), and the file is not bloated", async () => {
    await connect();
    const pixels = Buffer.from(grain);
    for (let y = 0; y < OUTPUT.height / 2; y++)
      for (let x = 0; x < WIDTH; x++) pixels.set([80 + y / 8, 140 + y / 16, 220], (y * WIDTH + x) * 3);
    const p = await photo(pixels, 4, 2);
    const jpeg = await expectJoined(p, 4);
    expect(jpeg).toEqual(joinedBy(p));
    expect(joinedBy(p, 2).length).toBeGreaterThan(jpeg.length * 1.05); // what the early plan would make
  });

  it.each([
    ["the partner's part fails", 4, 2, "fail", 3],
    ["the partner's part fails", 2, 0, "fail", 1],
    ["a lead's part from the top frame fails", 4, 2, "fail", 0],
    ["a lead's part from the whole fails", 4, 2, "fail", 2],
    ["the lead's part fails", 2, 0, "fail", 0],
    ["the partner's part is corrupt", 4, 2, "corrupt", 3],
    ["the partner's part is corrupt", 2, 0, "corrupt", 1],
    ["a lead's part is corrupt", 4, 2, "corrupt", 0],
    ["the whole frame does not decode", 4, 2, "undecoded", -1],
    ["the whole frame does not decode", 2, 0, "undecoded", -1],
    ["re-coding the partner's part throws", 4, 2, "throws", 3],
    ["re-coding the partner's part throws", 2, 0, "throws", 1],
  ] as const)(
    "is null when %s (%i parts, %i from the top), the partner lets go, and the next photo joins",
    async (_, count, fromTop, how, part) => {
      await connect();
      if (how === "throws") recoder.throwAt = part;
      else if (how !== "undecoded") encoder[how].add(part);
      const failed = await photo(grain, count, fromTop, how !== "undecoded");
      expect(await settle(failed.result)).toBeNull();
      await quiet();
      expectPartnerAnswered();
      expectFrames(failed);
      if (how === "undecoded") expect(failed.whole.clones).toHaveLength(0);
      encoder.fail.clear();
      encoder.corrupt.clear();
      recoder.throwAt = -1;
      encoder.used = [];
      await expectJoined(await photo(grain, count, fromTop), count);
    },
  );
});

describe("encodeParts when the partner goes away", () => {
  it("is null at once when the partner is lost mid-photo (its part never comes)", async () => {
    await connect();
    encoder.hang.add(3);
    const p = await photo(grain, 4, 2);
    await until(() => encoder.used.some((u) => u.frame === "whole clone"), "the partner was never asked");
    await quiet();
    lead.partnerLost();
    expect(lead.partnerPort()).toBeUndefined();
    expect(await settle(p.result)).toBeNull();
    expectFrames(p, false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is null when the partner was lost before the photo reached encodeParts", async () => {
    await connect(false);
    lead.partnerLost();
    const p = await photo(grain, 4, 2);
    expect(await settle(p.result)).toBeNull();
    expectFrames(p, false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("gives up on a partner that never answers after PARTNER_SILENCE_MS", async () => {
    await connect(false);
    const p = await photo(grain, 4, 2);
    let over = false;
    void p.result.then(() => (over = true));
    await until(() => encoder.used.length === 3 && encoder.busy === 0 && ports.inFlight() === 0, "the lead's parts");
    for (let i = 0; i < 20; i++) await tick();
    vi.advanceTimersByTime(lead.PARTNER_SILENCE_MS - 1);
    for (let i = 0; i < 20; i++) await tick();
    expect(over).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await settle(p.result)).toBeNull();
    expect(p.whole.clones).toHaveLength(1); // sent off: the silent partner's to close
    expectFrames(p, false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("waits PARTNER_SILENCE_MS again from each answer, then re-codes the parts whose scans never came", async () => {
    await connect(false);
    const asks: { id: number; frame: FakeFrame }[] = [];
    (ports.partner as unknown as { onmessage: (event: { data: Sent["data"] }) => void }).onmessage = ({ data }) => {
      if (data.kind === "encode") asks.push(data as unknown as (typeof asks)[number]);
    };
    const p = await photo(grain, 4, 2);
    let over = false;
    void p.result.then(() => (over = true));
    await until(() => asks.length === 1 && encoder.busy === 0 && ports.inFlight() === 0, "the partner was never asked");
    vi.advanceTimersByTime(lead.PARTNER_SILENCE_MS - 1000);
    const jpeg = Uint8Array.from(p.parts[3]!).buffer;
    asks[0]!.frame.close();
    ports.partner.postMessage({ kind: "part", id: asks[0]!.id, index: 3, jpeg }, [jpeg]);
    await quiet();
    vi.advanceTimersByTime(lead.PARTNER_SILENCE_MS - 1);
    for (let i = 0; i < 20; i++) await tick();
    expect(over).toBe(false);
    vi.advanceTimersByTime(1);
    const joined = await settle(p.result);
    expect((await compareStacked(p.parts, joined!)).away).toBe(0);
    expectFrames(p);
    expect(vi.getTimerCount()).toBe(0);
  });
});
