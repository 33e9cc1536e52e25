/**
 * Rewrites LaTeX delimiters to remark-math's: `\(x\)` → `$x$`, `\[x\]` → a `$$` block, outside code.
 * Works line by line with a small state, so streaming can normalise each completed line once and
 * the result for a prefix is always a prefix of the result for the whole text.
 */

type Fence = { char: string; length: number };
type LineState = { fence: Fence | null; display: boolean };

const initialState = (): LineState => ({ fence: null, display: false });

// Blockquote markers and list markers before a line's content, e.g. "> 1. ".
const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*/;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;

function splitPrefix(line: string): [prefix: string, rest: string] {
  const prefix = CONTAINER_PREFIX.exec(line)?.[0] ?? "";
  return [prefix, line.slice(prefix.length)];
}

// A continuation line sits under the list item's content, so list markers become spaces.
const continuation = (prefix: string) => prefix.replace(/[-*+]|\d{1,9}[.)]/g, (m) => " ".repeat(m.length));

/** Whether the backslash at `index` is itself unescaped (an odd run of backslashes ends there). */
function isDelimiter(line: string, index: number): boolean {
  let run = 0;
  for (let i = index; i >= 0 && line[i] === "\\"; i--) run++;
  return run % 2 === 1;
}

/** Character ranges of inline code spans in one line (paired backtick runs of equal length). */
function codeSpans(line: string): Array<[number, number]> {
  const runs: Array<[start: number, length: number]> = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== "`") continue;
    let j = i;
    while (line[j] === "`") j++;
    runs.push([i, j - i]);
    i = j - 1;
  }
  const spans: Array<[number, number]> = [];
  for (let a = 0; a < runs.length; a++) {
    const open = runs[a]!;
    const close = runs.findIndex((run, b) => b > a && run[1] === open[1]);
    if (close === -1) continue;
    spans.push([open[0], runs[close]![0] + open[1]]);
    a = close;
  }
  return spans;
}

/** Replaces paired `\(…\)` and `\[…\]` inside one line, skipping code spans and escaped backslashes. */
function replaceInline(line: string): string {
  const spans = codeSpans(line);
  const inCode = (i: number) => spans.some(([s, e]) => i >= s && i < e);
  let out = "";
  let last = 0;
  for (let i = 0; i < line.length - 1; i++) {
    const opener = line[i + 1];
    if (line[i] !== "\\" || (opener !== "(" && opener !== "[") || inCode(i) || !isDelimiter(line, i)) continue;
    const closer = opener === "(" ? "\\)" : "\\]";
    let j = line.indexOf(closer, i + 2);
    while (j !== -1 && (inCode(j) || !isDelimiter(line, j))) j = line.indexOf(closer, j + 1);
    if (j === -1) continue;
    const dollars = opener === "(" ? "$" : "$$";
    // `\( x \)` is common; `$ x $` would not be inline math (a single `$` must touch its formula, see
    // remark-math-pandoc.ts), and KaTeX ignores the spaces anyway.
    const body = opener === "(" ? line.slice(i + 2, j).trim() : line.slice(i + 2, j);
    if (!body) continue;
    out += line.slice(last, i) + dollars + body + dollars;
    last = j + 2;
    i = j + 1;
  }
  return out + line.slice(last);
}

const endsWithCloser = (rest: string) => rest.endsWith("\\]") && isDelimiter(rest, rest.length - 2);

/** Normalises one line (without its line ending), updating `state` for the next line. */
function normalizeLine(line: string, state: LineState): string {
  const [prefix, rest] = splitPrefix(line);
  if (state.fence) {
    const { char, length } = state.fence;
    const close = new RegExp(`^\\${char}{${length},}[ \\t]*$`);
    if (close.test(rest)) state.fence = null;
    return line;
  }
  const fence = FENCE_OPEN.exec(rest);
  if (fence && !(fence[1]![0] === "`" && fence[2]!.includes("`"))) {
    state.fence = { char: fence[1]![0]!, length: fence[1]!.length };
    return line;
  }
  if (!line.includes("\\")) return line;
  const trimmed = rest.trimEnd();
  const next = `\n${continuation(prefix)}`;
  if (state.display) {
    if (!endsWithCloser(trimmed)) return line;
    state.display = false;
    const body = trimmed.slice(0, -2).trimEnd();
    return body ? `${prefix}${body}${next}$$` : `${prefix}$$`;
  }
  if (trimmed.startsWith("\\[")) {
    const body = trimmed.slice(2).trim();
    if (endsWithCloser(body) && !body.slice(0, -2).includes("\\]")) {
      return `${prefix}$$${next}${body.slice(0, -2).trim()}${next}$$`;
    }
    if (!body.includes("\\]")) {
      state.display = true;
      return body ? `${prefix}$$${next}${body}` : `${prefix}$$`;
    }
  }
  return prefix + replaceInline(rest);
}

/** One-shot normalisation of a whole text. */
export function normalizeMath(text: string): string {
  return createMathNormalizer()(text);
}

/**
 * An incremental normaliser: completed lines are normalised once and cached; only the last,
 * unfinished line is redone on each call. A text that does not extend the previous one starts over.
 */
export function createMathNormalizer(): (text: string) => string {
  let input = "";
  let output = "";
  let state = initialState();
  return (text) => {
    if (!text.startsWith(input)) {
      input = "";
      output = "";
      state = initialState();
    }
    const end = text.lastIndexOf("\n") + 1;
    if (end > input.length) {
      const lines = text.slice(input.length, end - 1).split("\n");
      output += lines.map((line) => normalizeLine(line, state)).join("\n") + "\n";
      input = text.slice(0, end);
    }
    const partial = text.slice(end);
    return partial ? output + normalizeLine(partial, { ...state }) : output;
  };
}
