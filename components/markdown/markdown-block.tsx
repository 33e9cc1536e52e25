import { createContext, memo } from "react";
import type { Element } from "hast";
import type { Components } from "react-markdown";
import ReactMarkdown from "react-markdown";
import { heal } from "@/lib/markdown/heal";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { rehypePluginsFor, remarkPluginsFor } from "@/lib/markdown/plugins";
import { safeUrl } from "@/lib/markdown/safe-url";
import { isPlainParagraph, isPlainText, sentencePieces } from "@/lib/markdown/sentence-pieces";
import { CodeBlock } from "./code-block";
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
  // A paragraph of plain text still being typed (most of a Chinese reply) needs no parse at all.
  if (streaming && isPlainParagraph(source)) {
    return (
      <>
        {leading ? "\n" : null}
        <p>{source.trim()}</p>
      </>
    );
  }
  // A fenced code block still being typed is its text: no parse, no highlighting until it closes.
  const code = streaming ? openCodeFence(source) : null;
  if (code) {
    return (
      <StreamingBlockContext value>
        {leading ? "\n" : null}
        <CodeBlock node={code} />
      </StreamingBlockContext>
    );
  }
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
  // Plain text (it starts with a letter, right after a cut) renders as itself: no parse.
  if (isPlainText(source)) return source.trimEnd();
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

// An unindented opening fence with a plain info string: ``` or ~~~ (3+), then the language and nothing to unescape.
const OPEN_FENCE = /^(`{3,}|~{3,})[ \t]*([^\s`\\&]*)[^`\\&\n]*\n/;

/**
 * The `<pre><code>` element a fenced code block that has not closed yet renders to, the same as the healed source
 * would parse to; null when the source is anything else (or a math fence, which KaTeX renders).
 */
export function openCodeFence(source: string): Element | null {
  const open = OPEN_FENCE.exec(source);
  if (!open) return null;
  const [line, fence, language] = open as unknown as [string, string, string];
  if (language === "math") return null;
  // Healing drops one trailing space (two are a hard break elsewhere); the code shows what the healed text would.
  const body = source.slice(line.length).replace(/(?<! ) $/, "");
  // A closing fence (as long as the opening one, same character) ends the block: leave that to the parser.
  const close = new RegExp(`^ {0,3}\\${fence[0]}{${fence.length},}[ \\t]*$`, "m");
  if (close.test(body)) return null;
  const text = body.replace(/\n$/, "");
  return {
    type: "element",
    tagName: "pre",
    properties: {},
    children: [
      {
        type: "element",
        tagName: "code",
        properties: language ? { className: [`language-${language}`] } : {},
        children: text ? [{ type: "text", value: `${text}\n` }] : [],
      },
    ],
  };
}
