import { createContext, memo } from "react";
import ReactMarkdown from "react-markdown";
import { heal } from "@/lib/markdown/heal";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { rehypePluginsFor, remarkPluginsFor } from "@/lib/markdown/plugins";
import { safeUrl } from "@/lib/markdown/safe-url";
import { markdownComponents } from "./markdown-components";

/** True inside the block that is still streaming: its code is not highlighted on every token. */
export const StreamingBlockContext = createContext(false);

export type MarkdownBlockProps = {
  source: string;
  /** Link reference definitions from the whole message, as markdown. */
  definitions: string;
  /** Whether rendered content comes before this block (it then starts with a "\n" separator). */
  leading: boolean;
  math: MathPlugins | undefined;
  /** The streaming tail: heal half-sent syntax before rendering. */
  streaming: boolean;
};

/** One block of a message, re-rendered only when its own source (or what it depends on) changes. */
export const MarkdownBlock = memo(function MarkdownBlock({
  source,
  definitions,
  leading,
  math,
  streaming,
}: MarkdownBlockProps) {
  return (
    <StreamingBlockContext value={streaming}>
      <ReactMarkdown
        remarkPlugins={remarkPluginsFor(math)}
        rehypePlugins={rehypePluginsFor(math, leading, streaming)}
        components={markdownComponents}
        urlTransform={safeUrl}
      >
        {definitions + (streaming ? heal(source) : source)}
      </ReactMarkdown>
    </StreamingBlockContext>
  );
});
