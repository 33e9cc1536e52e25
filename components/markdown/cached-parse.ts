import type { Nodes, Parents, Root } from "mdast";
import type { PluggableList, Processor } from "unified";

/**
 * Characters that, appended after a Chinese character that ends a plain text node, can only lengthen that text node:
 * CJK ideographs and the full-width/CJK punctuation of Chinese prose. None of them is markdown syntax, whitespace, a
 * digit or ASCII punctuation, so no delimiter run, autolink, line structure, table cell or `$` rule (Pandoc's looks
 * at the character after a `$`) can see them: they sit next to a character that is text already.
 */
const CJK_TEXT = /^[\u3400-\u4dbf\u4e00-\u9fff\u3001\u3002\u300a-\u3011\uff01-\uff1f]+$/;
/** Text that could be, or start, a GFM autolink literal: its extent depends on what follows, so parse it again. */
const AUTOLINK_LIKE = /:\/\/|www\.|@/i;
/** Containers the text may sit in: none of them ends (or changes) because its last text node grew. */
const CONTAINERS = new Set([
  "root",
  "paragraph",
  "heading",
  "strong",
  "emphasis",
  "delete",
  "blockquote",
  "list",
  "listItem",
  "table",
  "tableRow",
  "tableCell",
]);

type Entry = { doc: string; tree: Root };
type Parse = (doc: string, file: unknown) => Root;

/** How many recent documents a list's cache remembers (the tail, the typed list item or sentence, and a few more). */
const ENTRIES = 16;

/**
 * The path of last children from the root to the text node the document ends with, if the document ends inside plain
 * text in CONTAINERS (not in a link, code, math or HTML).
 */
function lastTextPath(tree: Root, end: number): Nodes[] | null {
  const path: Nodes[] = [tree];
  let node: Nodes = tree;
  while ("children" in node) {
    if (!CONTAINERS.has(node.type)) return null;
    const last: Nodes | undefined = (node as Parents).children.at(-1);
    if (!last) return null;
    path.push(last);
    node = last;
  }
  if (node.type !== "text" || node.position?.end.offset !== end || AUTOLINK_LIKE.test(node.value)) return null;
  return path;
}

/** A copy of `tree` whose last text node (at `path`) has `added` appended, positions moved on to match. */
function grow(path: Nodes[], added: string, end: number): Root {
  const copies = path.map((node) => {
    const copy = { ...node } as Nodes;
    const position = node.position;
    if (position && position.end.offset === end) {
      const { line, column } = position.end;
      copy.position = {
        start: position.start,
        end: { line, column: column + added.length, offset: end + added.length },
      };
    }
    return copy;
  });
  for (let i = 0; i < copies.length - 1; i++) {
    const parent = copies[i] as Parents;
    parent.children = [...parent.children.slice(0, -1), copies[i + 1]] as Parents["children"];
  }
  const text = copies.at(-1) as Extract<Nodes, { type: "text" }>;
  text.value += added;
  return copies[0] as Root;
}

/**
 * A remark plugin that remembers the trees of the documents it parsed lately, and parses a document that is one of
 * them plus Chinese text (see CJK_TEXT) by lengthening that tree's last text node instead: while a reply streams,
 * most updates only add Chinese characters to the paragraph, list item or table cell being typed. The tree is the
 * one a parse gives (positions included; markdown-cached-parse.test.ts checks it against fresh parses of random
 * prefixes). Trees are shared between renders, so nothing after the parser may change them: remark-rehype and
 * react-markdown build new (hast) nodes and leave the mdast tree alone.
 */
export function cachedParse() {
  const entries: Entry[] = [];
  const remember = (doc: string, tree: Root) => {
    entries.push({ doc, tree });
    if (entries.length > ENTRIES) entries.shift();
    return tree;
  };
  return function (this: Processor) {
    const self = this as unknown as { parser: Parse };
    const parse = self.parser;
    self.parser = (doc, file) => {
      let base: Entry | undefined;
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i]!;
        if (entry.doc === doc) return entry.tree;
        if (
          entry.doc.length < doc.length &&
          (!base || entry.doc.length > base.doc.length) &&
          doc.startsWith(entry.doc) &&
          CJK_TEXT.test(entry.doc.slice(-1))
        ) {
          base = entry;
        }
      }
      if (base) {
        const added = doc.slice(base.doc.length);
        const path = CJK_TEXT.test(added) ? lastTextPath(base.tree, base.doc.length) : null;
        if (path) return remember(doc, grow(path, added, base.doc.length));
      }
      return remember(doc, parse(doc, file));
    };
  };
}

const withCache = new WeakMap<PluggableList, PluggableList>();

/** `plugins` followed by a cachedParse of their own (one cache per plugin list, as the syntax depends on it). */
export function withCachedParse(plugins: PluggableList): PluggableList {
  let list = withCache.get(plugins);
  if (!list) withCache.set(plugins, (list = [...plugins, cachedParse()]));
  return list;
}
