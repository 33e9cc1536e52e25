// npx tsx bench/images/join-micro.ts — what joining two JPEG halves (lib/images/jpeg-join.ts) costs in V8:
// a 2048×1536 photo encoded as two 2048×768 halves the way Chromium's encoder writes them (baseline,
// optimised Huffman tables, 4:2:0; here with sharp), joined 50 times after a warm-up; then the same photo in
// four 2048×384 parts (jpeg-join-parts.ts), step by step. Also how often one half's tables can be kept
// (only the other half re-coded) for photos, screenshots and noise.
// Then the covering plan (planJoinCovering) made from parts 0–1 of four before parts 2–3 exist: joined
// size against planJoinParts from all four, plan and per-part re-code times, for the photo and for a photo
// whose top half is a smooth sky (the first parts' statistics then do not fit the bottom).
// Env: JOIN_ROUNDS (50), JOIN_QUALITIES ("85,75"), JOIN_PARTS ("4"; "" skips), JOIN_COVERING=0 skips the
// covering plan, JOIN_PATHS=0 skips the (slow, untimed) path survey.
import os from "node:os";
import sharp from "sharp";
import {
  assembleJoin,
  assembleJoinParts,
  coveringGrowth,
  joinJpegHalvesDetailed,
  joinPartScan,
  joinScan,
  planJoin,
  planJoinCovering,
  planJoinParts,
  type JoinOptions,
  type JoinResult,
} from "../../lib/images/jpeg-join";
import { noisePng, photoPixels, screenshotPng } from "../../test/images";

const ROUNDS = Number(process.env.JOIN_ROUNDS ?? 50);
const QUALITIES = (process.env.JOIN_QUALITIES ?? "85,75").split(",").map(Number);
const PART_COUNTS = (process.env.JOIN_PARTS ?? "4").split(",").filter(Boolean).map(Number);
const WIDTH = 2048;
const HEIGHT = 1536;

async function halves(pixels: Buffer, width: number, height: number, topHeight: number, quality: number) {
  const part = (top: number, rows: number) =>
    sharp(pixels, { raw: { width, height, channels: 3 } })
      .extract({ left: 0, top, width, height: rows })
      .jpeg({ quality, optimiseCoding: true, chromaSubsampling: "4:2:0" })
      .toBuffer();
  return { top: await part(0, topHeight), bottom: await part(topHeight, height - topHeight) };
}

/** Marker structure in one line, e.g. "DQT DQT SOF0 DHT×4(12,38,7,21) SOS data(296047) EOI", and restarts seen. */
function structure(jpeg: Uint8Array): string {
  const names: Record<number, string> = { 0xc0: "SOF0", 0xc2: "SOF2", 0xc4: "DHT", 0xdb: "DQT", 0xdd: "DRI" };
  const parts: string[] = [];
  const dht: number[] = [];
  for (let p = 2; p < jpeg.length;) {
    const marker = jpeg[p + 1]!;
    if (marker === 0xd9) break;
    const length = (jpeg[p + 2]! << 8) | jpeg[p + 3]!;
    if (marker === 0xc4) {
      for (let q = p + 4; q < p + 2 + length;) {
        const n = jpeg.subarray(q + 1, q + 17).reduce((a, b) => a + b, 0);
        dht.push(n);
        q += 17 + n;
      }
    } else
      parts.push(names[marker] ?? (marker >= 0xe0 && marker <= 0xef ? `APP${marker - 0xe0}` : marker.toString(16)));
    p += 2 + length;
    if (marker === 0xda) {
      let q = p;
      let restarts = 0;
      while (!(jpeg[q] === 0xff && jpeg[q + 1] !== 0 && !(jpeg[q + 1]! >= 0xd0 && jpeg[q + 1]! <= 0xd7))) {
        if (jpeg[q] === 0xff && jpeg[q + 1]! >= 0xd0 && jpeg[q + 1]! <= 0xd7) restarts++;
        q++;
      }
      parts.splice(parts.length - 1, 1, `DHT×${dht.length}(${dht.join(",")} symbols)`, "SOS");
      parts.push(`data(${q - p} B, ${restarts} RST)`);
      p = q;
    }
  }
  return [...parts, "EOI"].join(" ");
}

/** Median, 10th and 90th percentile of `run`'s time over ROUNDS runs after 15 warm-up runs. */
function measure<T>(run: () => T) {
  for (let i = 0; i < 15; i++) run();
  const ms: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    result = run();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(2);
  return { result: result!, median: at(0.5), p10: at(0.1), p90: at(0.9) };
}

function time(top: Uint8Array, bottom: Uint8Array, options: JoinOptions) {
  return measure(() => joinJpegHalvesDetailed(top, bottom, options) as JoinResult);
}

/** The steps apart: with each half's scan re-coded in its own worker, the join costs plan + the slower scan + assembly. */
function steps(top: Uint8Array, bottom: Uint8Array, options: JoinOptions): string {
  const plan = measure(() => planJoin(top, bottom, options)!);
  const topScan = measure(() => joinScan(top, plan.result, "top")!);
  const bottomScan = measure(() => joinScan(bottom, plan.result, "bottom")!);
  const assemble = measure(() => assembleJoin(plan.result, topScan.result, bottomScan.result));
  const parallel =
    Number(plan.median) + Math.max(Number(topScan.median), Number(bottomScan.median)) + Number(assemble.median);
  return (
    `plan ${plan.median} ms, top scan ${topScan.median} ms, bottom scan ${bottomScan.median} ms, assemble ${assemble.median} ms` +
    ` → scans in parallel ≈ ${parallel.toFixed(2)} ms`
  );
}

/** N equal bands of a picture, each encoded on its own. */
async function bands(pixels: Buffer, width: number, height: number, n: number, quality: number) {
  const rows = height / n;
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      sharp(pixels, { raw: { width, height, channels: 3 } })
        .extract({ left: 0, top: i * rows, width, height: rows })
        .jpeg({ quality, optimiseCoding: true, chromaSubsampling: "4:2:0" })
        .toBuffer(),
    ),
  );
}

/** The N-part join step by step: with each part re-coded in its own worker, plan + the slowest scan + assembly. */
function partSteps(parts: Uint8Array[], options: JoinOptions): string {
  const plan = measure(() => planJoinParts(parts, options)!);
  const scans = parts.map((part, i) => measure(() => joinPartScan(part, plan.result, i)!));
  const assemble = measure(() =>
    assembleJoinParts(
      plan.result,
      scans.map((s) => s.result),
    ),
  );
  const slowest = Math.max(...scans.map((s) => Number(s.median)));
  const { path, kept, recodedBytes, addedCodes } = plan.result;
  return (
    `${path}${kept === null ? "" : ` (part ${kept}'s tables)`} +${addedCodes} codes, re-coded ${recodedBytes} B,` +
    ` joined ${assemble.result.length} B\n` +
    `        plan ${plan.median} ms (p10 ${plan.p10}, p90 ${plan.p90}),` +
    ` part scans ${scans.map((s, i) => `${s.median}${plan.result.parts[i]!.recode ? "" : " (copied)"}`).join(" / ")} ms,` +
    ` assemble ${assemble.median} ms → parts in parallel ≈ ${(Number(plan.median) + slowest + Number(assemble.median)).toFixed(2)} ms`
  );
}

/** The photo with its top half a smooth sky gradient (little grain): parts 0–1 tell nothing of 2–3. */
function skyOverPhoto(photo: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(photo);
  for (let y = 0; y < height / 2; y++) {
    const sky = [120 + y * 0.03, 170 - y * 0.04, 220 - y * 0.05];
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * width + x) * 3 + c;
        out[i] = Math.round((photo[i]! + 7 * sky[c]!) / 8); // a trace of the photo's grain
      }
    }
  }
  return out;
}

/** Plan from parts 0–1 of four, re-code each part into it: size against planJoinParts and the times. */
function covering(parts: Uint8Array[]): string {
  const join = (plan: NonNullable<ReturnType<typeof planJoinParts>>) =>
    assembleJoinParts(
      plan,
      parts.map((part, i) => joinPartScan(part, plan, i)!),
    ).length;
  const full = join(planJoinParts(parts)!);
  const shape = { count: parts.length, lastRows: HEIGHT / parts.length };
  const plan = measure(() => planJoinCovering(parts.slice(0, 2), shape)!);
  const joined = join(plan.result);
  const scans = parts.map((part, i) => measure(() => joinPartScan(part, plan.result, i)!));
  const own = parts.reduce((sum, p) => sum + p.length, 0);
  const growth = parts.map((p) => (100 * coveringGrowth(p, plan.result)!).toFixed(1));
  return (
    `parts ${own} B; planJoinParts (all 4) ${full} B; covering from parts 0–1 ${joined} B` +
    ` (${(100 * (joined / full - 1)).toFixed(2)}% vs all 4, ${(100 * (joined / own - 1)).toFixed(2)}% vs the parts)\n` +
    `        covering plan ${plan.median} ms (p10 ${plan.p10}, p90 ${plan.p90}),` +
    ` re-code per part ${scans.map((s) => s.median).join(" / ")} ms` +
    ` (p90 ${scans.map((s) => s.p90).join(" / ")}); coveringGrowth ${growth.join(" / ")} %`
  );
}

async function main() {
  console.log(
    `${os.cpus()[0]?.model} ×${os.cpus().length}, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const photo = photoPixels(WIDTH, HEIGHT);
  for (const quality of QUALITIES) {
    const { top, bottom } = await halves(photo, WIDTH, HEIGHT, HEIGHT / 2, quality);
    console.log(`\nq${quality} halves: top ${top.length} B, bottom ${bottom.length} B`);
    console.log(`  top:    ${structure(top)}`);
    console.log(`  bottom: ${structure(bottom)}`);
    for (const tables of ["auto", "union"] as const) {
      const { result, median, p10, p90 } = time(top, bottom, { tables });
      const perKb = (Number(median) / (result.recodedBytes / 1024)) * 150;
      console.log(
        `  ${tables.padEnd(5)} ${result.path.padEnd(13)} +${result.addedCodes} codes: median ${median} ms (p10 ${p10}, p90 ${p90}),` +
          ` re-coded ${result.recodedBytes} B (≈${perKb.toFixed(2)} ms per 150 KB), joined ${result.jpeg.length} B` +
          ` (halves ${top.length + bottom.length} B)`,
      );
      console.log(`        ${steps(top, bottom, { tables })}`);
    }
    for (const n of PART_COUNTS) {
      const parts = await bands(photo, WIDTH, HEIGHT, n, quality);
      console.log(`\nq${quality} ${n} parts of ${HEIGHT / n} rows: ${parts.map((p) => p.length).join(" / ")} B`);
      for (const tables of ["auto", "union"] as const)
        console.log(`  ${tables.padEnd(5)} ${partSteps(parts, { tables })}`);
    }
  }

  if (process.env.JOIN_COVERING !== "0") {
    for (const quality of QUALITIES) {
      for (const [name, pixels] of [
        ["photo", photo],
        ["sky over photo", skyOverPhoto(photo, WIDTH, HEIGHT)],
      ] as const) {
        const parts = await bands(pixels, WIDTH, HEIGHT, 4, quality);
        console.log(
          `\nq${quality} ${name}, 4 parts of ${HEIGHT / 4} rows: ${parts.map((p) => p.length).join(" / ")} B`,
        );
        console.log(`  ${covering(parts)}`);
      }
    }
  }

  if (process.env.JOIN_PATHS === "0") return;
  // How often a half's tables can be kept, by content. Splits at MCU rows near the middle.
  const paths = new Map<string, Map<string, number>>();
  const count = (kind: string, result: JoinResult | null) => {
    const byPath = paths.get(kind) ?? new Map<string, number>();
    const key = result ? result.path : "null";
    byPath.set(key, (byPath.get(key) ?? 0) + 1);
    paths.set(kind, byPath);
  };
  const sizes: [number, number][] = [
    [2048, 1536],
    [1920, 1080],
    [1280, 800],
    [1536, 2048],
  ];
  const raw = async (png: Buffer) => sharp(png).removeAlpha().raw().toBuffer();
  for (const [width, height] of sizes) {
    const topHeight = Math.ceil(height / 2 / 16) * 16;
    for (const quality of [85, 75]) {
      for (let seed = 1; seed <= 3; seed++) {
        const p = await halves(photoPixels(width, height, seed), width, height, topHeight, quality);
        count("photo", joinJpegHalvesDetailed(p.top, p.bottom));
      }
      const s = await halves(await raw(await screenshotPng(width, height)), width, height, topHeight, quality);
      count("screenshot", joinJpegHalvesDetailed(s.top, s.bottom));
      const n = await halves(await raw(await noisePng(width, height, quality)), width, height, topHeight, quality);
      count("noise", joinJpegHalvesDetailed(n.top, n.bottom));
    }
  }
  console.log("\npaths by content (4 sizes × q85/q75; photos ×3 seeds):");
  for (const [kind, byPath] of paths)
    console.log(`  ${kind.padEnd(10)} ${[...byPath].map(([k, v]) => `${k} ${v}`).join(", ")}`);
}

await main();
