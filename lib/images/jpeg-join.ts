// Two JPEGs of the same width, a top half and a bottom half, joined into one without decoding a pixel, so a
// photo can be encoded as two halves in two workers at once: the two-part case of jpeg-join-parts.ts (which
// joins N horizontal bands). The joined file is the top's headers with the summed height, then the top's
// scan, a restart marker, and the bottom's scan. Only the Huffman codes may need re-writing, because an
// optimising encoder gives each half tables of its own and a scan has one set (jpeg-huffman*.ts).
// Anything this does not fully understand gives null, and the caller encodes the whole picture instead.
import type { HuffmanTable } from "./jpeg-huffman";
import type { McuLayout } from "./jpeg-huffman-recode";
import { assemble, planJoinParts, scanFor, type JoinOptions } from "./jpeg-join-parts";

export {
  assembleJoinParts,
  coveringGrowth,
  joinPartScan,
  planJoinCovering,
  planJoinParts,
  type JoinOptions,
  type JoinPartsPlan,
} from "./jpeg-join-parts";

/**
 * How the tables were settled: "copied" when neither half needed re-coding (the same tables, or one half's
 * are the other's plus codes for more symbols — common for screenshots), one half's tables kept (codes
 * added for the other's extra symbols) and the other half re-coded, or tables built from both.
 */
export type JoinPath = "copied" | "top-tables" | "bottom-tables" | "union";

export type JoinResult = {
  jpeg: Uint8Array;
  path: JoinPath;
  /** Bytes of scan data decoded and written again (the rest was copied). */
  recodedBytes: number;
  /** Codes added to the kept half's tables for symbols only the other half uses. */
  addedCodes: number;
};

/** The joined JPEG, or null when the halves cannot be joined this way (then encode the whole picture). */
export function joinJpegHalves(top: Uint8Array, bottom: Uint8Array): Uint8Array | null {
  return joinJpegHalvesDetailed(top, bottom)?.jpeg ?? null;
}

/** joinJpegHalves, also saying which tables it used and how many bytes of scan data it re-coded. */
export function joinJpegHalvesDetailed(
  top: Uint8Array,
  bottom: Uint8Array,
  options: JoinOptions = {},
): JoinResult | null {
  const plan = planJoin(top, bottom, options);
  const topScan = plan && joinScan(top, plan, "top");
  const bottomScan = plan && joinScan(bottom, plan, "bottom");
  if (!plan || !topScan || !bottomScan) return null;
  const { path, recodedBytes, addedCodes } = plan;
  return { jpeg: assembleJoin(plan, topScan, bottomScan), path, recodedBytes, addedCodes };
}

/**
 * Everything joining two halves takes that their headers decide, as plain data that can be posted to
 * workers: then each worker re-codes its own half (joinScan) at the same time, and assembleJoin puts the
 * file together. joinJpegHalvesDetailed does the three steps in a row. The same bytes give the same plan.
 */
export type JoinPlan = Omit<JoinResult, "jpeg"> & {
  /** The joined file up to its scan data: the top's headers with the summed height, tables, DRI, SOS. */
  header: Uint8Array;
  tables: (HuffmanTable | undefined)[];
  layout: McuLayout;
  top: { mcus: number; recode: boolean };
  bottom: { mcus: number; recode: boolean };
};

/** The plan for joining these halves, or null when they cannot be joined this way. */
export function planJoin(top: Uint8Array, bottom: Uint8Array, options: JoinOptions = {}): JoinPlan | null {
  const plan = planJoinParts([top, bottom], options);
  if (!plan) return null;
  const { path, kept, recodedBytes, addedCodes, header, tables, layout, parts } = plan;
  return {
    // planJoinParts never makes a covering plan (planJoinCovering does).
    path: path === "kept" ? (kept === 0 ? "top-tables" : "bottom-tables") : path === "covering" ? "union" : path,
    recodedBytes,
    addedCodes,
    header,
    tables,
    layout,
    top: parts[0]!,
    bottom: parts[1]!,
  };
}

/**
 * One half's scan data for the joined file: re-coded into the plan's tables, or the half's own bytes (a
 * view into `half`). `half` must be the bytes the plan was made from. Null when its data does not decode.
 */
export function joinScan(half: Uint8Array, plan: JoinPlan, which: "top" | "bottom"): Uint8Array | null {
  return scanFor(half, plan, plan[which]);
}

/** The joined JPEG: header, the top's scan data, RST0, the bottom's, EOI. */
export function assembleJoin(plan: JoinPlan, topScan: Uint8Array, bottomScan: Uint8Array): Uint8Array<ArrayBuffer> {
  return assemble(plan.header, [topScan, bottomScan]);
}
