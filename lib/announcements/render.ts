import type { Nodes, Root, RootContent } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { markdownToPlainText } from "@/lib/chat/plain-text";
import { safeUrl } from "@/lib/markdown/safe-url";
import type { Announcement } from "./schema";

// The exports of a notice: rich HTML for pasting into 企业微信/钉钉/飞书 documents (headings and lists
// survive), Markdown, and plain text. The body is parsed once into mdast; HTML is written here with
// inline styles, since pasted HTML keeps no stylesheet.

const parser = unified().use(remarkParse).use(remarkGfm);

export function parseBody(markdown: string): Root {
  return parser.parse(markdown) as Root;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const HEADING_SIZE = ["", "22px", "18px", "16px", "15px", "14px", "14px"];

function children(node: { children?: Nodes[] }, tight = false): string {
  return (node.children ?? []).map((child) => toHtml(child, tight)).join("");
}

function toHtml(node: Nodes, tight = false): string {
  switch (node.type) {
    case "root":
      return children(node);
    case "paragraph":
      // Items of a tight list hold their text directly, as editors write them.
      return tight ? children(node) : `<p style="margin:0 0 10px;line-height:1.75">${children(node)}</p>`;
    case "heading":
      return `<h${node.depth} style="font-size:${HEADING_SIZE[node.depth]};font-weight:bold;margin:16px 0 8px">${children(node)}</h${node.depth}>`;
    case "text":
      return escape(node.value).replace(/\n/g, "<br>");
    case "strong":
      return `<strong>${children(node)}</strong>`;
    case "emphasis":
      return `<em>${children(node)}</em>`;
    case "delete":
      return `<s>${children(node)}</s>`;
    case "inlineCode":
      return `<code>${escape(node.value)}</code>`;
    case "code":
      return `<pre style="white-space:pre-wrap"><code>${escape(node.value)}</code></pre>`;
    case "break":
      return "<br>";
    case "thematicBreak":
      return "<hr>";
    case "blockquote":
      return `<blockquote style="margin:0 0 10px;padding-left:12px;border-left:3px solid #ccc">${children(node)}</blockquote>`;
    case "list": {
      const tag = node.ordered ? "ol" : "ul";
      const start = node.ordered && node.start && node.start !== 1 ? ` start="${node.start}"` : "";
      const items = node.children.map((item) => `<li style="line-height:1.75">${children(item, !node.spread)}</li>`);
      return `<${tag}${start} style="margin:0 0 10px;padding-left:24px">${items.join("")}</${tag}>`;
    }
    case "listItem":
      return children(node, tight);
    case "link": {
      const href = safeUrl(node.url);
      return href ? `<a href="${escape(href)}">${children(node)}</a>` : children(node);
    }
    case "image":
      return escape(node.alt ?? "");
    case "table": {
      const rows = node.children.map(
        (row, r) =>
          `<tr>${row.children
            .map((cell) => {
              const tag = r === 0 ? "th" : "td";
              return `<${tag} style="border:1px solid #ccc;padding:4px 8px">${children(cell)}</${tag}>`;
            })
            .join("")}</tr>`,
      );
      return `<table style="border-collapse:collapse;margin:0 0 10px">${rows.join("")}</table>`;
    }
    case "html":
      return escape(node.value);
    default:
      return "children" in node ? children(node as { children: Nodes[] }) : "";
  }
}

export function markdownToHtml(markdown: string): string {
  return toHtml(parseBody(markdown));
}

/** The whole notice as pasteable HTML: centred title, body, sign-off and date on the right. */
export function noticeHtml(a: Announcement): string {
  return [
    `<h1 style="text-align:center;font-size:22px;font-weight:bold;margin:0 0 16px">${escape(a.title)}</h1>`,
    markdownToHtml(a.body),
    `<p style="text-align:right;margin:24px 0 0">${escape(a.signoff.issuer)}</p>`,
    `<p style="text-align:right;margin:0">${escape(a.signoff.date)}</p>`,
  ].join("\n");
}

export function noticeMarkdown(a: Announcement): string {
  return `# ${a.title}\n\n${a.body.trim()}\n\n${a.signoff.issuer}\n${a.signoff.date}\n`;
}

export function noticePlainText(a: Announcement): string {
  return `${a.title}\n\n${markdownToPlainText(a.body)}\n\n${a.signoff.issuer}\n${a.signoff.date}`;
}

export type { RootContent };
