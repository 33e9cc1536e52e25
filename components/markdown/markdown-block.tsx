import { createContext, memo } from "react";
import type { ReactNode } from "react";
import type { Element, Root } from "hast";
import type { PluggableList } from "unified";
import type { Components } from "react-markdown";
import { healMath } from "@/lib/markdown/heal";
import type { ListItems } from "@/lib/markdown/list-items";
import { finishedList, listItems } from "@/lib/markdown/list-items";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { rehypePluginsFor, remarkPluginsFor } from "@/lib/markdown/plugins";
import { safeUrl } from "@/lib/markdown/safe-url";
import { isPlainParagraph, isPlainText, sentencePieces, settledSentencePieces } from "@/lib/markdown/sentence-pieces";
import { CodeBlock } from "./code-block";
import { markdownComponents } from "./markdown-components";
import { RenderMarkdown } from "./render-markdown";

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
  // Blank lines before the block's first line (left by a heading or fence that settled at its line end) render as
  // nothing; the fast paths below look at the block itself.
  const body = source.replace(/^(?:[ \t]*\n)+/, "");
  // A paragraph of plain text (most of a Chinese reply) needs no parse at all, while it is typed or once settled.
  const plain = streaming ? body : body.replace(/\n[ \t\n]*$/, "");
  if (isPlainParagraph(plain)) {
    return (
      <>
        {leading ? "\n" : null}
        {/* A paragraph drops its final spaces and tabs (not other whitespace, such as an ideographic space). */}
        <p>{plain.replace(/[ \t]+$/, "")}</p>
      </>
    );
  }
  // A fenced code block still being typed is its text: no parse, no highlighting until it closes.
  const code = streaming ? openCodeFence(body) : null;
  if (code) {
    return (
      <StreamingBlockContext value>
        {leading ? "\n" : null}
        <CodeBlock node={code} />
      </StreamingBlockContext>
    );
  }
  // A long paragraph: its finished sentences render once each, only the last one every frame while it is typed;
  // once it has settled, the same pieces are kept (and their DOM with them) and only the last one renders again.
  const plugins = remarkPluginsFor(math);
  const sentences = streaming ? sentencePieces(body, plugins) : settledSentencePieces(body, plugins);
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
          <Sentence key={offset} {...typed(sentences.rest, streaming)} math={math} done={!streaming} />
        </p>
      </StreamingBlockContext>
    );
  }
  // A tight list: its finished items render once each, only the last one every frame while it is typed; once it has
  // settled, the items keep their DOM and only the last one renders again. A list that has ended but is still the
  // tail (the next paragraph's first line is being typed) renders all its items once.
  const list: (ListItems & { after?: string }) | null = streaming
    ? (listItems(body) ?? finishedList(body))
    : listItems(body.replace(/\n[ \t\n]*$/, "\n"));
  if (list) {
    const children: ReactNode[] = [];
    let offset = 0;
    for (const item of list.items) {
      children.push("\n", <ListItem key={offset} source={item} definitions={definitions} math={math} done />);
      offset += item.length;
    }
    if (list.rest) {
      children.push(
        "\n",
        <ListItem
          key={offset}
          {...typed(list.rest, streaming)}
          definitions={definitions}
          math={math}
          done={!streaming}
        />,
      );
    }
    children.push("\n");
    const after = list.after ?? "";
    return (
      <StreamingBlockContext value>
        {leading ? "\n" : null}
        {list.ordered ? <ol start={list.start === 1 ? undefined : list.start}>{children}</ol> : <ul>{children}</ul>}
        {after ? <MarkdownBlock source={after} definitions={definitions} leading math={math} streaming /> : null}
      </StreamingBlockContext>
    );
  }
  const { source: shown, unfinishedMath } = typed(source, streaming);
  return (
    <StreamingBlockContext value={streaming}>
      <RenderMarkdown
        remarkPlugins={remarkPluginsFor(math)}
        rehypePlugins={rehypePluginsFor(math, leading, streaming, unfinishedMath)}
        components={markdownComponents}
        urlTransform={safeUrl}
      >
        {definitions + shown}
      </RenderMarkdown>
    </StreamingBlockContext>
  );
});

/** What the text still being typed renders as (healed), and whether its last formula is unfinished (see healMath). */
function typed(source: string, streaming: boolean): { source: string; unfinishedMath: boolean } {
  if (!streaming) return { source, unfinishedMath: false };
  const { healed, unfinishedMath } = healMath(source);
  return { source: healed, unfinishedMath };
}

// A sentence renders as its paragraph's content: the paragraph element is the block's own.
const sentenceComponents: Components = { ...markdownComponents, p: ({ children }) => children };

/** Part of a streaming paragraph (see sentencePieces): a finished sentence, or the healed one being typed. */
const Sentence = memo(function Sentence({
  source,
  math,
  done,
  unfinishedMath = false,
}: {
  source: string;
  math: MathPlugins | undefined;
  done: boolean;
  unfinishedMath?: boolean;
}) {
  // Plain text (it starts with a letter, right after a cut) renders as itself: no parse.
  if (isPlainText(source)) return source.replace(/[ \t]+$/, "");
  return (
    <RenderMarkdown
      remarkPlugins={remarkPluginsFor(math)}
      rehypePlugins={rehypePluginsFor(math, false, !done, unfinishedMath)}
      components={sentenceComponents}
      urlTransform={safeUrl}
    >
      {source}
    </RenderMarkdown>
  );
});

/** Replaces a rendered list with its items: one item of a list, rendered on its own, inside the list's element. */
function rehypeListItems() {
  return (tree: Root) => {
    const list = tree.children.find((node) => node.type === "element");
    if (list?.type === "element" && (list.tagName === "ul" || list.tagName === "ol")) {
      tree.children = list.children.filter((node) => node.type === "element");
    }
  };
}

const itemPlugins = new WeakMap<PluggableList, PluggableList>();
const itemPluginsFor = (rehype: PluggableList) => {
  let list = itemPlugins.get(rehype);
  if (!list) itemPlugins.set(rehype, (list = [...rehype, rehypeListItems]));
  return list;
};

/** One item of a streaming list (see listItems): a finished one, or the healed one being typed. */
const ListItem = memo(function ListItem({
  source,
  definitions,
  math,
  done,
  unfinishedMath = false,
}: {
  source: string;
  definitions: string;
  math: MathPlugins | undefined;
  done: boolean;
  unfinishedMath?: boolean;
}) {
  return (
    <RenderMarkdown
      remarkPlugins={remarkPluginsFor(math)}
      rehypePlugins={itemPluginsFor(rehypePluginsFor(math, false, !done, unfinishedMath))}
      components={markdownComponents}
      urlTransform={safeUrl}
    >
      {definitions + source}
    </RenderMarkdown>
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
