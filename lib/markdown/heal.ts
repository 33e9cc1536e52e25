import remend from "remend";

/**
 * Makes a half-received tail displayable: closes unfinished emphasis, code, links, math (remend), and shows a
 * table from its header row on (supplying the delimiter row until it is typed, completing it while it is).
 * Only the streaming tail is healed; the final text is always rendered as it is.
 */
export function heal(text: string): string {
  const healed = remend(healTable(text), { linkMode: "text-only", inlineKatex: true });
  // An image whose URL is still arriving is dropped rather than shown as a broken placeholder.
  return healed.replace(/!\[[^\]]*\]\(streamdown:incomplete-image\)\s*$/, "");
}

/**
 * `heal(text)`, and whether healing closed a formula at the end (`$…` or a `$$` block still being typed): the text's
 * last formula is then unfinished.
 */
export function healMath(text: string): { healed: string; unfinishedMath: boolean } {
  const healed = heal(text);
  const typed = text.trimEnd();
  return { healed, unfinishedMath: healed.startsWith(typed) && healed.slice(typed.length).includes("$") };
}

const ROW = /^ {0,3}\|/;
const PARTIAL_DELIMITER = /^ {0,3}\|[ \t:|-]*$/;
const DELIMITER_CELL = /^:?-+:?$/;

/** Cells of a table row, ignoring the outer pipes and escaped pipes. */
function cells(row: string): string[] {
  const inner = row
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

function healTable(text: string): string {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  const lastBreak = body.lastIndexOf("\n");
  const last = body.slice(lastBreak + 1);
  if (!ROW.test(last)) return text;
  const before = body.slice(0, lastBreak + 1);
  const previousBreak = before.lastIndexOf("\n", before.length - 2);
  const previous = lastBreak === -1 ? "" : before.slice(previousBreak + 1, -1);
  const beforePrevious = before.slice(0, previousBreak + 1).replace(/\n$/, "");
  const headerStart = !ROW.test(beforePrevious.slice(beforePrevious.lastIndexOf("\n") + 1));

  if (ROW.test(previous) && headerStart && PARTIAL_DELIMITER.test(last)) {
    // The delimiter row is being typed: complete it to the header's width so the table shows.
    const typed = cells(last);
    const row = cells(previous).map((_, i) => (DELIMITER_CELL.test(typed[i] ?? "") ? typed[i] : "---"));
    return `${before}| ${row.join(" | ")} |`;
  }
  if (!ROW.test(previous)) {
    // A header row being typed (no delimiter row yet): shown as the header of a table, its delimiter row supplied,
    // so the text appears as it comes instead of waiting for the delimiter row. Until a cell has text it is held
    // back (it would show as an empty table, or as a paragraph of pipes).
    const header = cells(last);
    if (header.every((cell) => cell === "")) return before;
    return `${body}\n| ${header.map(() => "---").join(" | ")} |`;
  }
  return text;
}
