import type { Components } from "react-markdown";
import { CodeBlock } from "./code-block";
import { MarkdownImage } from "./markdown-image";
import { MarkdownLink } from "./markdown-link";
import { withoutNode } from "./without-node";

/** Element overrides; one stable object so React never remounts rendered markdown. */
export const markdownComponents: Components = {
  a: MarkdownLink,
  img: MarkdownImage,
  pre: CodeBlock,
  // Wide tables scroll inside the message instead of widening the page.
  table: (props) => (
    <div className="markdown-table">
      <table {...withoutNode(props)} />
    </div>
  ),
};
