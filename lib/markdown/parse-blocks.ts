import type { Definition, Root, RootContent } from "mdast";
import remarkParse from "remark-parse";
import type { PluggableList } from "unified";
import { unified } from "unified";
import { collectDefinitions } from "./definitions";

/** One top-level block of a parsed text: the lines it starts on, up to the next block's first line. */
export type TopLevelBlock = {
  /** Offset of the first line of this block (the text start for the first block). */
  start: number;
  /** Offset of the first line of the next block, or the text length. */
  end: number;
  /** Offset just past the end of this block's first line ending, or -1 if that line is unfinished. */
  firstLineEnd: number;
  /** Renders nothing: only (footnote) definitions. */
  empty: boolean;
  /** A link reference definition, whose title may still continue on the next line. */
  definition: boolean;
  /**
   * Offset from which nothing later can change this block (-1: not yet), e.g. past the blank line
   * after a paragraph; lets a finished paragraph settle before the next one's first line is done.
   */
  closedAt: number;
  /** Whether the block lies on the line right after the previous block (no blank line between). */
  adjacent: boolean;
  definitions: Map<string, Definition>;
};

const parsers = new WeakMap<PluggableList, (text: string) => Root>();

/** The same parser react-markdown builds (remark-parse + the given plugins), cached per plugin list. */
export function parserFor(plugins: PluggableList): (text: string) => Root {
  let parse = parsers.get(plugins);
  if (!parse) {
    const processor = unified().use(remarkParse).use(plugins).freeze();
    parse = (text) => processor.parse(text);
    parsers.set(plugins, parse);
  }
  return parse;
}

const isEmpty = (node: RootContent) => node.type === "definition" || node.type === "footnoteDefinition";

// Blocks that a blank line always ends; lists and indented code may continue after one.
const ENDED_BY_BLANK_LINE = new Set(["paragraph", "blockquote", "table", "definition"]);
const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,}|\${2,})[ \t]*$/;

/** Whether a fenced code or math block has its closing fence (an unclosed one runs to the end). */
function hasClosingFence(source: string): boolean {
  const open = /^ {0,3}(`{3,}|~{3,}|\${2,})/.exec(source)?.[1];
  const close = CLOSING_FENCE.exec(source.slice(source.lastIndexOf("\n") + 1))?.[1];
  return source.includes("\n") && !!open && !!close && close[0] === open[0] && close.length >= open.length;
}

function closedAt(text: string, node: RootContent): number {
  const { start, end } = node.position!;
  const lineEnd = text.indexOf("\n", end.offset);
  if (lineEnd === -1) return -1;
  if (node.type === "heading" || node.type === "thematicBreak") return lineEnd + 1;
  const fenced = node.type === "code" || node.type === "math";
  if (fenced) return hasClosingFence(text.slice(lineStart(text, start.offset!), end.offset)) ? lineEnd + 1 : -1;
  if (!ENDED_BY_BLANK_LINE.has(node.type)) return -1;
  const blankEnd = text.indexOf("\n", lineEnd + 1);
  return blankEnd !== -1 && /^[ \t\r]*$/.test(text.slice(lineEnd + 1, blankEnd)) ? blankEnd + 1 : -1;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf("\n", offset - 1) + 1;

/**
 * Parses `text` with exactly the syntax the renderer uses and returns its top-level blocks as
 * contiguous line ranges, so that concatenating them gives back `text`.
 */
export function parseTopLevel(text: string, plugins: PluggableList): TopLevelBlock[] {
  const tree = parserFor(plugins)(text);
  const blocks: TopLevelBlock[] = [];
  let previousEndLine = 0;
  for (const node of tree.children) {
    const position = node.position;
    if (!position || position.start.offset === undefined) continue;
    const start = blocks.length === 0 ? 0 : lineStart(text, position.start.offset);
    const previous = blocks[blocks.length - 1];
    const adjacent = previous !== undefined && position.start.line <= previousEndLine + 1;
    const definitions = new Map<string, Definition>();
    collectDefinitions(node, definitions);
    // Two blocks that begin on the same line cannot be rendered apart: keep them together.
    if (previous && start <= previous.start) {
      for (const [id, value] of definitions) if (!previous.definitions.has(id)) previous.definitions.set(id, value);
      previous.empty &&= isEmpty(node);
      previous.definition ||= node.type === "definition";
      previous.closedAt = -1;
    } else {
      if (previous) previous.end = start;
      const newline = text.indexOf("\n", position.start.offset);
      blocks.push({
        start,
        end: text.length,
        firstLineEnd: newline === -1 ? -1 : newline + 1,
        closedAt: closedAt(text, node),
        empty: isEmpty(node),
        definition: node.type === "definition",
        adjacent,
        definitions,
      });
    }
    previousEndLine = position.end.line;
  }
  return blocks;
}
