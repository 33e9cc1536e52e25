import { NextIntlClientProvider } from "next-intl";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import { normalizeMath } from "@/lib/markdown/normalize-math";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { rehypePluginsFor, remarkPluginsFor } from "@/lib/markdown/plugins";
import { safeUrl } from "@/lib/markdown/safe-url";
import type { SplitState } from "@/lib/markdown/split-blocks";
import messages from "@/messages/zh-CN.json";
import { markdownComponents } from "./markdown-components";
import { MarkdownBlocks } from "./markdown-blocks";

/** Test helper: wraps a tree in the i18n provider the components need. */
export function WithIntl({ children }: { children: ReactNode }) {
  return (
    <NextIntlClientProvider locale="zh-CN" messages={messages} timeZone="Asia/Shanghai">
      {children}
    </NextIntlClientProvider>
  );
}

/** The reference: react-markdown once over the whole (normalised) text, with the same plugins and components. */
export function OneShot({ text, math }: { text: string; math: MathPlugins | undefined }) {
  return (
    <ReactMarkdown
      remarkPlugins={remarkPluginsFor(math)}
      rehypePlugins={rehypePluginsFor(math, false, false)}
      components={markdownComponents}
      urlTransform={safeUrl}
    >
      {normalizeMath(text)}
    </ReactMarkdown>
  );
}

export const renderOneShot = (text: string, math: MathPlugins | undefined) =>
  renderToStaticMarkup(
    <WithIntl>
      <OneShot text={text} math={math} />
    </WithIntl>,
  );

export const renderSplit = (split: SplitState, math: MathPlugins | undefined, streaming = false) =>
  renderToStaticMarkup(
    <WithIntl>
      <MarkdownBlocks split={split} math={math} streaming={streaming} />
    </WithIntl>,
  );
