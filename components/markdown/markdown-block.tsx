import { createContext, memo } from "react";
import type { Components } from "react-markdown";
import ReactMarkdown from "react-markdown";
import { heal } from "@/lib/markdown/heal";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { rehypePluginsFor, remarkPluginsFor } from "@/lib/markdown/plugins";
import { safeUrl } from "@/lib/markdown/safe-url";
import { sentencePieces } from "@/lib/markdown/sentence-pieces";
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
  // A long paragraph still being typed: its finished sentences render once each, only the last one every frame.
  const sentences = streaming ? sentencePieces(source, remarkPluginsFor(math)) : null;
  if (sentences) {
    let offset = 0;
    return (
      <StreamingBlockContext value>
        {leading ? "\n" : null}
        <p>
          {sentences.pieces.map((piece) => {
            const key = offset;
            offset += piece.length;
            return <Sentence key={key} source={piece} math={piece.includes("$") ? math : undefined} done />;
          })}
          <Sentence key={offset} source={heal(sentences.rest)} math={math} done={false} />
        </p>
      </StreamingBlockContext>
    );
  }
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

// A sentence renders as its paragraph's content: the paragraph element is the block's own.
const sentenceComponents: Components = { ...markdownComponents, p: ({ children }) => children };

/** Part of a streaming paragraph (see sentencePieces): a finished sentence, or the healed one being typed. */
const Sentence = memo(function Sentence({
  source,
  math,
  done,
}: {
  source: string;
  math: MathPlugins | undefined;
  done: boolean;
}) {
  return (
    <ReactMarkdown
      remarkPlugins={remarkPluginsFor(math)}
      rehypePlugins={rehypePluginsFor(math, false, !done)}
      components={sentenceComponents}
      urlTransform={safeUrl}
    >
      {source}
    </ReactMarkdown>
  );
});
