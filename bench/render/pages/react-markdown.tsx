// (a) The naive baseline: react-markdown with the app's plugin set, re-rendering the whole message on every update.
import "katex/dist/katex.min.css";
import { createRoot } from "react-dom/client";
import Markdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkCjkFriendly from "remark-cjk-friendly";
import remarkCjkFriendlyGfmStrikethrough from "remark-cjk-friendly-gfm-strikethrough";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { BenchChat, type RendererProps } from "./shell";

const remarkPlugins = [remarkGfm, remarkCjkFriendly, remarkCjkFriendlyGfmStrikethrough, remarkMath];
const rehypePlugins = [rehypeKatex];

function NaiveMarkdown({ text }: RendererProps) {
  return (
    <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins}>
      {text}
    </Markdown>
  );
}

createRoot(document.getElementById("root")!).render(<BenchChat Renderer={NaiveMarkdown} name="react-markdown" />);
