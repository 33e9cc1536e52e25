import "server-only";
import { AlignmentType, Document, HeadingLevel, LevelFormat, Packer, Paragraph, TextRun } from "docx";
import type { Nodes, PhrasingContent, RootContent } from "mdast";
import { parseBody } from "./render";
import type { Announcement } from "./schema";

// The notice as a Word document: centred title, the body's headings, lists and bold kept, the
// sign-off and date on the right. Chinese text in 宋体, as official notices are usually set.

const FONT = { ascii: "Calibri", hAnsi: "Calibri", eastAsia: "SimSun" };
const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4];

interface Marks {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
}

function runs(nodes: readonly PhrasingContent[], marks: Marks = {}): TextRun[] {
  return nodes.flatMap((node): TextRun[] => {
    switch (node.type) {
      case "text":
        return node.value
          .split("\n")
          .map((line, i) => new TextRun({ text: line, ...marks, ...(i > 0 ? { break: 1 } : {}) }));
      case "strong":
        return runs(node.children, { ...marks, bold: true });
      case "emphasis":
        return runs(node.children, { ...marks, italics: true });
      case "delete":
        return runs(node.children, { ...marks, strike: true });
      case "inlineCode":
        return [new TextRun({ text: node.value, ...marks, font: "Consolas" })];
      case "break":
        return [new TextRun({ text: "", break: 1 })];
      case "link":
        return runs(node.children, marks);
      case "image":
        return [new TextRun({ text: node.alt ?? "", ...marks })];
      default:
        return "children" in node ? runs(node.children as PhrasingContent[], marks) : [];
    }
  });
}

function blocks(nodes: readonly RootContent[], level = 0): Paragraph[] {
  return nodes.flatMap((node): Paragraph[] => {
    switch (node.type) {
      case "heading":
        return [new Paragraph({ heading: HEADINGS[Math.min(node.depth, 4) - 1], children: runs(node.children) })];
      case "paragraph":
        return [new Paragraph({ children: runs(node.children), spacing: { after: 120, line: 360 } })];
      case "list":
        return node.children.flatMap((item) =>
          item.children.flatMap((child, i) =>
            child.type === "paragraph" && i === 0
              ? [
                  new Paragraph({
                    children: runs(child.children),
                    ...(node.ordered
                      ? { numbering: { reference: "ordered", level: Math.min(level, 2) } }
                      : { bullet: { level: Math.min(level, 2) } }),
                  }),
                ]
              : blocks([child], level + 1),
          ),
        );
      case "blockquote":
        return blocks(node.children, level).map((p) => p);
      case "code":
        return node.value
          .split("\n")
          .map((line) => new Paragraph({ children: [new TextRun({ text: line, font: "Consolas" })] }));
      case "table":
        return node.children.map(
          (row) =>
            new Paragraph({
              children: row.children.flatMap((cell, i) => [
                ...(i > 0 ? [new TextRun({ text: "\t" })] : []),
                ...runs(cell.children),
              ]),
            }),
        );
      case "thematicBreak":
        return [
          new Paragraph({ children: [], border: { bottom: { style: "single", size: 6, color: "999999", space: 1 } } }),
        ];
      case "html":
        return [new Paragraph({ children: [new TextRun(node.value)] })];
      default:
        return "children" in node ? blocks((node as { children: Nodes[] }).children as RootContent[], level) : [];
    }
  });
}

export function noticeDocument(a: Announcement): Document {
  return new Document({
    title: a.title,
    creator: a.signoff.issuer,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    numbering: {
      config: [
        {
          reference: "ordered",
          levels: [0, 1, 2].map((level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.LEFT,
            style: { paragraph: { indent: { left: 420 * (level + 1), hanging: 300 } } },
          })),
        },
      ],
    },
    sections: [
      {
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 240 },
            children: [new TextRun({ text: a.title, bold: true, size: 36 })],
          }),
          ...blocks(parseBody(a.body).children),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            spacing: { before: 480 },
            children: [new TextRun(a.signoff.issuer)],
          }),
          new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun(a.signoff.date)] }),
        ],
      },
    ],
  });
}

export function noticeDocx(a: Announcement): Promise<Buffer> {
  return Packer.toBuffer(noticeDocument(a));
}
