import type { Definition } from "mdast";
import type { PluggableList } from "unified";
import { serializeDefinitions } from "./definitions";
import type { TopLevelBlock } from "./parse-blocks";
import { parseTopLevel } from "./parse-blocks";

/** A top-level piece of the document, rendered on its own. `key` is its offset in the text. */
export type Block = { key: number; source: string; empty: boolean; math: boolean };

export type SplitState = {
  /** Settled blocks: complete, and never parsed or rendered again for later text. */
  blocks: readonly Block[];
  /** The unsettled rest of the text (the one block still growing, or everything held back). */
  tail: Block;
  /** Every known link reference definition, as markdown to prepend to blocks that may use them. */
  definitions: string;
  settledText: string;
  /** Text offset up to which complete lines have been parsed. */
  scannedTo: number;
  math: boolean;
  final: boolean;
  definitionMap: ReadonlyMap<string, Definition>;
  /**
   * For a final split: the streaming split it was made from. Its settled blocks hold for any longer text, so a final
   * text that grows again (a stale final render followed by the last update, or Continue) is split from there
   * instead of from the start.
   */
  base?: SplitState;
};

export type SplitOptions = {
  /** The text is complete: settle everything. */
  final: boolean;
  /** The remark plugins the blocks will be rendered with (the parse must use the same syntax). */
  plugins: PluggableList;
  /** Whether `plugins` include math syntax; without it, nothing from the first `$` on is settled. */
  math: boolean;
};

const MATH_FENCE = /(?:`{3,}|~{3,})[ \t]*math(?:\s|$)/;
/** Whether a block's rendering depends on the math plugins. */
export const needsMath = (source: string) => source.includes("$") || MATH_FENCE.test(source);

const makeBlock = (key: number, source: string, empty = false): Block => ({
  key,
  source,
  empty,
  math: needsMath(source),
});

const initial = (math: boolean): SplitState => ({
  blocks: [],
  tail: makeBlock(0, ""),
  definitions: "",
  settledText: "",
  scannedTo: -1,
  math,
  final: false,
  definitionMap: new Map(),
});

/**
 * Where settling must stop: footnotes are numbered across the whole document and listed at its end,
 * so everything from the first `[^` stays one block; `$` may open a math block spanning blank lines.
 */
function holdOffset(text: string, math: boolean): number {
  const footnote = text.indexOf("[^");
  const dollar = math ? -1 : text.indexOf("$");
  const held = [footnote, dollar].filter((i) => i !== -1);
  return held.length ? Math.min(...held) : Infinity;
}

/**
 * Advances the split to a new version of the text. Work is proportional to the unsettled tail:
 * the tail is parsed again only when a new line has been completed (or the text is final), and a
 * block settles only once the block after it has begun on a complete line, which CommonMark's
 * line-by-line block parsing guarantees can no longer change it.
 */
export function advance(previous: SplitState | undefined, text: string, options: SplitOptions): SplitState {
  // A final split settled everything; if the text grows again (Continue), its last block may not be done.
  const reopened = previous?.final && (!options.final || text !== previous.settledText);
  // A split made before the math plugins loaded settled nothing from the first `$` on (holdOffset), so its settled
  // blocks parse the same with them: it goes on from there (the other way round it would not).
  const usable = (s: SplitState | undefined): s is SplitState =>
    s !== undefined && text.startsWith(s.settledText) && (!s.math || options.math);
  const start = reopened ? previous?.base : previous;
  const state = usable(start) ? start : initial(options.math);
  const settledEnd = state.settledText.length;
  const limit = options.final ? text.length : text.lastIndexOf("\n") + 1;
  const sameScan = state.math === options.math && state.final === options.final && limit <= state.scannedTo;
  if (sameScan) {
    if (state.tail.source.length === text.length - settledEnd && text.endsWith(state.tail.source)) return state;
    return { ...state, tail: makeBlock(settledEnd, text.slice(settledEnd)) };
  }

  const rest = text.slice(settledEnd);
  const hold = holdOffset(rest, options.math);
  const parsed = parseTopLevel(rest, options.plugins);
  const settled: Array<TopLevelBlock & { end: number }> = [];
  for (let i = 0; i < parsed.length; i++) {
    const block = parsed[i]!;
    const next = parsed[i + 1];
    const nextStarted = next && next.firstLineEnd !== -1 && settledEnd + next.firstLineEnd <= limit;
    // A definition's title may continue on the following line, inside the same paragraph.
    const nextDecided = nextStarted && !(block.definition && next.adjacent);
    const closed = block.closedAt !== -1 && settledEnd + block.closedAt <= limit;
    const end = options.final || nextDecided ? block.end : closed ? block.closedAt : -1;
    if (end === -1 || end > hold) break;
    settled.push({ ...block, end });
    if (end !== block.end) break;
  }
  const count = settled.length;
  const newEnd = settledEnd + (settled[count - 1]?.end ?? 0);
  const definitionMap = new Map(state.definitionMap);
  // When the text is final, definitions in a held-back tail apply to the earlier blocks too.
  const sources = options.final ? parsed : settled;
  for (const block of sources)
    for (const [id, d] of block.definitions) if (!definitionMap.has(id)) definitionMap.set(id, d);
  const tailParts = parsed.slice(count);
  return {
    blocks: settled.length
      ? [...state.blocks, ...settled.map((b) => makeBlock(settledEnd + b.start, rest.slice(b.start, b.end), b.empty))]
      : state.blocks,
    tail: makeBlock(newEnd, text.slice(newEnd), tailParts.length > 0 && tailParts.every((b) => b.empty)),
    definitions:
      definitionMap.size === state.definitionMap.size ? state.definitions : serializeDefinitions(definitionMap),
    settledText: text.slice(0, newEnd),
    scannedTo: limit,
    math: options.math,
    final: options.final,
    definitionMap,
    ...(options.final ? { base: state.final ? state.base : state } : {}),
  };
}
