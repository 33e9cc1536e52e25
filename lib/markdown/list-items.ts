/**
 * Display-time only: a growing tight list cut into its top-level items, so that each finished item is rendered once
 * and only the item being typed is parsed and rendered again every frame. The final render never uses it.
 *
 * Only a list whose shape is certain from its lines alone qualifies, anything else returns null and is rendered
 * whole: every line is either an item's first line (the same bullet character, or numbers with the same delimiter,
 * at the line start, followed by one space) or indented at least to its item's content (a continuation or a nested
 * block); no blank line (which could make the list loose, changing every item), no tab, no task checkbox (which adds
 * a class to the list), no fence, table or display math (whose healing looks past the item), no thematic break.
 * Then an item rendered alone renders exactly as it does inside the list.
 */
export type ListItems = {
  ordered: boolean;
  /** The first item's number (ordered lists). */
  start: number;
  /** Finished items, as contiguous pieces of the source (each with its line ending). */
  items: string[];
  /** The last item, still being typed. */
  rest: string;
};

const BULLET = /^([-*+]) (?! )/;
const ORDERED = /^(\d{1,9})([.)]) (?! )/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
// Block syntax whose healing or rendering depends on more than one item.
const UNSAFE = /\t|```|~~~|\$\$|\||\[\^|^\s*(?:[-*+]|\d{1,9}[.)])\s+\[[ xX]\]/m;

type Marker = { kind: string; indent: number; number: number };

function markerOf(line: string): Marker | null {
  if (THEMATIC_BREAK.test(line)) return null;
  const bullet = BULLET.exec(line);
  if (bullet) return { kind: bullet[1]!, indent: bullet[0].length, number: 0 };
  const ordered = ORDERED.exec(line);
  if (ordered) return { kind: `1${ordered[2]}`, indent: ordered[0].length, number: Number(ordered[1]) };
  return null;
}

export function listItems(source: string): ListItems | null {
  if (UNSAFE.test(source)) return null;
  const lines = source.split(/(?<=\n)/);
  const first = markerOf(lines[0] ?? "");
  if (!first) return null;
  const starts: number[] = [];
  let indent = first.indent;
  let offset = 0;
  for (const line of lines) {
    const body = line.replace(/\n$/, "");
    // A blank line (or the start of one being typed) could make the list loose.
    if (body.trim() === "") return null;
    const marker = markerOf(line);
    if (marker) {
      if (marker.kind !== first.kind) return null;
      starts.push(offset);
      indent = marker.indent;
    } else if (!body.startsWith(" ".repeat(indent)) || THEMATIC_BREAK.test(body)) {
      // A line left of its item's content may be a lazy continuation, the end of the list, or a marker still being
      // typed: leave it to the parser.
      return null;
    }
    offset += line.length;
  }
  if (starts.length < 2) return null;
  const items = starts.slice(0, -1).map((start, i) => source.slice(start, starts[i + 1]));
  return { ordered: first.kind.startsWith("1"), start: first.number, items, rest: source.slice(starts.at(-1)) };
}

/**
 * A list that has ended: it is followed by a blank line and a line at the margin that begins with a Han character
 * (which can be neither an item nor a continuation, so the list is complete and stays tight), whose paragraph is
 * still being typed. The list's items are all finished; `after` is the rest of the source, from the blank line.
 */
export function finishedList(source: string): (ListItems & { after: string }) | null {
  const blank = /\n(?:[ \t]*\n)+(?=\p{Script=Han})/u.exec(source);
  if (!blank) return null;
  const list = listItems(source.slice(0, blank.index + 1));
  if (!list) return null;
  return { ...list, items: [...list.items, list.rest], rest: "", after: source.slice(blank.index + 1) };
}
