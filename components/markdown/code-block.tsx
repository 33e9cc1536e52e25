"use client";

import type { Element, ElementContent } from "hast";
import { useTranslations } from "next-intl";
import type { ComponentProps, CSSProperties } from "react";
import { useContext } from "react";
import type { ExtraProps } from "react-markdown";
import type { Token } from "@/lib/markdown/highlighter";
import { resolveLanguage } from "@/lib/markdown/highlighter";
import { CopyButton } from "./copy-button";
import { StreamingBlockContext } from "./markdown-block";
import { useHighlight } from "./use-highlight";

const textOf = (nodes: ElementContent[]): string =>
  nodes
    .map((node) => (node.type === "text" ? node.value : node.type === "element" ? textOf(node.children) : ""))
    .join("");

/** The `<code>` inside a fenced block's `<pre>`: its language (from `language-*`) and its text. */
function codeOf(pre: Element | undefined): { language: string; text: string } | null {
  const code = pre?.children[0];
  if (!code || code.type !== "element" || code.tagName !== "code") return null;
  const classes = Array.isArray(code.properties.className) ? code.properties.className : [];
  const language = classes.map(String).find((name) => name.startsWith("language-"));
  return { language: language?.slice("language-".length) ?? "", text: textOf(code.children) };
}

function Lines({ lines }: { lines: Token[][] }) {
  return lines.map((line, index) => (
    // Colours come as CSS variables so the `.dark` theme switch needs no re-highlighting.
    <span key={index}>
      {line.map((token, i) => (
        <span key={i} style={{ "--shiki-light": token.light, "--shiki-dark": token.dark } as CSSProperties}>
          {token.content}
        </span>
      ))}
      {"\n"}
    </span>
  ));
}

/**
 * A fenced code block: language label, copy button, and Shiki colours once the highlighter has
 * loaded. Plain and highlighted text are the same characters in the same font, so nothing moves.
 */
export function CodeBlock({ node, children, ...props }: ComponentProps<"pre"> & ExtraProps) {
  const t = useTranslations("markdown");
  const streaming = useContext(StreamingBlockContext);
  const code = codeOf(node);
  const language = code ? resolveLanguage(code.language) : null;
  const text = code?.text.replace(/\n$/, "") ?? "";
  const lines = useHighlight(text, language, !streaming);
  if (!code) return <pre {...props}>{children}</pre>;

  return (
    <div data-slot="code-block" className="markdown-code">
      <div className="markdown-code-header">
        <span className="markdown-code-language">{code.language || t("code")}</span>
        <CopyButton text={text} />
      </div>
      <pre {...props}>
        <code className={code.language ? `language-${code.language}` : undefined}>
          {lines ? <Lines lines={lines} /> : code.text}
        </code>
      </pre>
    </div>
  );
}
