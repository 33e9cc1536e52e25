import type { Definition, Nodes } from "mdast";

/**
 * Link reference definitions apply to the whole document (`[x]` in block 1 may use `[x]: /url` from
 * block 9), so settled blocks are rendered with every known definition prepended as markdown text.
 */
export type Definitions = ReadonlyMap<string, Definition>;

/** Adds the definitions found under `node`, keeping the first one per identifier as CommonMark does. */
export function collectDefinitions(node: Nodes, into: Map<string, Definition>): void {
  if (node.type === "definition") {
    if (!into.has(node.identifier)) into.set(node.identifier, node);
    return;
  }
  if ("children" in node) for (const child of node.children) collectDefinitions(child, into);
}

// Backslash-escaping every ASCII punctuation character and writing line endings as character
// references reproduces the decoded value exactly, whatever it contains.
const escapeValue = (value: string) =>
  value
    .replace(/[!-/:-@[-`{-~]/g, "\\$&")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;");

/**
 * Serialises definitions as markdown. The label is the normalised identifier: CommonMark matches
 * labels case-insensitively after collapsing whitespace, so it matches the same references.
 */
export function serializeDefinitions(definitions: Definitions): string {
  let out = "";
  for (const { identifier, url, title } of definitions.values()) {
    const titlePart = title === null || title === undefined ? "" : ` "${escapeValue(title)}"`;
    out += `[${identifier}]: <${escapeValue(url)}>${titlePart}\n\n`;
  }
  return out;
}
