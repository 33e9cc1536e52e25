// (c) Diagnostic: the app's own <Markdown> renderer (components/markdown) in the same minimal shell as (a) and (b),
// to tell the renderer's cost apart from the rest of the chat screen's per-update work. Not in the default run.
import "katex/dist/katex.min.css";
import { createRoot } from "react-dom/client";
import { IntlProvider } from "use-intl";
import { Markdown } from "@/components/markdown/markdown";
import messages from "@/messages/zh-CN.json";
import { BenchChat, type RendererProps } from "./shell";

function OursRenderer({ text, streaming }: RendererProps) {
  return <Markdown text={text} streaming={streaming} />;
}

createRoot(document.getElementById("root")!).render(
  <IntlProvider locale="zh-CN" messages={messages} timeZone="Asia/Shanghai">
    <BenchChat Renderer={OursRenderer} name="ours-renderer" />
  </IntlProvider>,
);
