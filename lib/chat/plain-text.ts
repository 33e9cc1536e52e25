// "Copy as plain text": Markdown source → what a reader would paste into a mail or a chat app.
// A light line-based pass, not a full parser: code is kept verbatim, marks around text are removed.

const FENCE = /^\s*(`{3,}|~{3,})/;

export function markdownToPlainText(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      // Inside a code block everything is content, until the matching closing fence.
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker)
        fence = undefined;
      else out.push(line);
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const converted = convertLine(line);
    if (converted !== null) out.push(converted);
  }
  return out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** One line outside code; null drops it (table separators, display-math fences). */
function convertLine(line: string): string | null {
  if (/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line) && line.includes("-") && line.includes("|")) {
    return null;
  }
  if (/^\s*\$\$\s*$/.test(line)) return null;
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return "";
  let text = line
    .replace(/^\s{0,3}#{1,6}\s+/, "")
    .replace(/^\s*(>\s?)+/, "")
    .replace(
      /^(\s*)[-*+]\s+\[([ xX])\]\s+/,
      (_m, indent: string, mark: string) => `${indent}${mark === " " ? "☐" : "☑"} `,
    )
    .replace(/^(\s*)[-*+]\s+/, "$1• ");
  if (/^\s*\|.*\|\s*$/.test(text)) {
    text = text
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim())
      .join("\t");
  }
  return inline(text);
}

// Escaped characters are parked in the private-use area while the marks around text are removed.
const PARK = 0xe000;

function inline(text: string): string {
  return text
    .replace(/\\([\\`*_{}[\]()#+\-.!|~>$])/g, (_m, char: string) => String.fromCharCode(PARK + char.charCodeAt(0)))
    .replace(/`([^`]+)`/g, "$1")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/__(.+?)__/g, "$1")
    .replace(/~~(.+?)~~/g, "$1")
    .replace(/(^|[^\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)/g, "$1$2")
    .replace(/(^|[^\w])_(?!\s)(.+?)(?<!\s)_(?!\w)/g, "$1$2")
    .replace(/[\ue000-\ue07f]/g, (char) => String.fromCharCode(char.charCodeAt(0) - PARK));
}
