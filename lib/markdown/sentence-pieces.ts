import type { PhrasingContent, RootContent } from "mdast";
import type { PluggableList } from "unified";
import { parserFor } from "./parse-blocks";

/**
 * A growing one-line paragraph cut into sentences, so that each finished sentence is rendered once and only the
 * sentence being typed is parsed and rendered again every frame. Once the paragraph has settled, it keeps those pieces
 * when its last one stands alone too (settledSentencePieces): only that last sentence renders again, and the pieces
 * side by side render exactly as the whole paragraph does.
 *
 * A cut lies right after a CJK sentence end (。！？；) that is followed by a letter or ideograph. The text before a
 * cut is a piece only if it renders on its own exactly as it does inside the paragraph: it parses as one
 * paragraph of text, emphasis, strikethrough, code and inline math only, and its text keeps no delimiter (`*`, `_`,
 * `~`, `$`, backticks) that a later one could pair with, no brackets or `<`, and nothing like a URL or an email
 * address, which GFM would extend over full-width punctuation. Otherwise the cut is skipped and the piece grows to
 * the next one.
 */
const CUT = /[。！？；](?=\p{L})/gu;
// Left as text, these could still pair with (or be extended by) what comes after the cut.
const UNSAFE_TEXT = /[*_~$`[\]<>]|https?:|www\.|@/i;

// Characters that can take part in inline syntax (or begin an autolink literal, an entity or an escape): text
// without any of them, inside a paragraph's line, renders as exactly itself.
const INLINE_SYNTAX = /[\\`*_~$[\]!<>&|:@\t\r\n]|www\./i;

// A line that begins with a Han character can only be a paragraph's line (no block syntax starts with one).
const startsWithHan = (text: string) => /^\p{Script=Han}/u.test(text);

/** Text that renders as itself inside a paragraph (no parse needed): see INLINE_SYNTAX. */
export const isPlainText = (text: string) => !INLINE_SYNTAX.test(text);

/** A one-line paragraph of plain text (see isPlainText), whatever follows it: renders as `<p>` + the trimmed text. */
export const isPlainParagraph = (line: string) => startsWithHan(line) && isPlainText(line.replace(/\n$/, ""));

const checked = new Map<string, boolean>();
const CHECKED_SIZE = 2000;

function literalsClean(nodes: readonly (RootContent | PhrasingContent)[]): boolean {
  for (const node of nodes) {
    if (node.type === "text") {
      if (UNSAFE_TEXT.test(node.value)) return false;
    } else if (node.type === "inlineCode" || node.type === "inlineMath") {
      // Their content is literal and closed: nothing in it pairs with anything outside.
    } else if (node.type === "emphasis" || node.type === "strong" || node.type === "delete") {
      if (!literalsClean(node.children)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function standsAlone(piece: string, plugins: PluggableList, paragraphText: boolean): boolean {
  // Plain text after a cut (it starts with a letter), or at a line start with a Han character, is a paragraph of
  // just that text.
  if (paragraphText && isPlainText(piece)) return true;
  let ok = checked.get(piece);
  if (ok === undefined) {
    ok = false;
    if (!/^\s/.test(piece)) {
      const tree = parserFor(plugins)(piece);
      const only = tree.children.length === 1 ? tree.children[0] : undefined;
      ok = only?.type === "paragraph" && literalsClean(only.children);
    }
    if (checked.size >= CHECKED_SIZE) checked.delete(checked.keys().next().value!);
    checked.set(piece, ok);
  }
  return ok;
}

/**
 * The finished sentences of a one-line paragraph (as contiguous pieces of `source`) and the rest, or null when the
 * source is not such a paragraph or has no safe cut yet.
 */
export function sentencePieces(source: string, plugins: PluggableList): { pieces: string[]; rest: string } | null {
  const body = source.endsWith("\n") ? source.slice(0, -1) : source;
  if (body.includes("\n") || body.length < 80) return null;
  const pieces: string[] = [];
  let start = 0;
  for (const match of body.matchAll(CUT)) {
    const end = match.index + match[0].length;
    const piece = body.slice(start, end);
    if (standsAlone(piece, plugins, start > 0 || startsWithHan(piece))) {
      pieces.push(piece);
      start = end;
    }
  }
  if (pieces.length === 0) return null;
  return { pieces, rest: source.slice(start) };
}

/**
 * The sentences of a settled one-line paragraph (trailing blank lines allowed) as sentencePieces cut them while it
 * streamed, when its last sentence also renders on its own exactly as inside the paragraph; otherwise null (render
 * the paragraph whole).
 */
export function settledSentencePieces(
  source: string,
  plugins: PluggableList,
): { pieces: string[]; rest: string } | null {
  const line = source.replace(/\n[ \t\n]*$/, "");
  const sentences = sentencePieces(line, plugins);
  // A paragraph drops its final spaces and tabs (not other whitespace, such as an ideographic space).
  const rest = sentences?.rest.replace(/[ \t]+$/, "");
  if (!sentences || !rest || !standsAlone(rest, plugins, true)) return null;
  return { pieces: sentences.pieces, rest };
}
