// (b) Streamdown with its default props (streaming mode, parseIncompleteMarkdown on) and the math and CJK plugins
// this content needs, built from the same libraries as the official @streamdown/math and @streamdown/cjk packages
// with their defaults (not installed here). Code blocks use Streamdown's built-in plain renderer; `?shiki` adds a
// Shiki highlighter plugin modelled on @streamdown/code (much slower while code streams: it re-highlights per update).
import "katex/dist/katex.min.css";
import { createRoot } from "react-dom/client";
import { Streamdown } from "streamdown";
import { BenchChat, type RendererProps } from "./shell";
import { plugins, withShiki } from "./streamdown-plugins";

const config = new URLSearchParams(location.search).has("shiki") ? withShiki : plugins;

function StreamdownMessage({ text, streaming }: RendererProps) {
  return (
    <Streamdown plugins={config} isAnimating={streaming}>
      {text}
    </Streamdown>
  );
}

createRoot(document.getElementById("root")!).render(<BenchChat Renderer={StreamdownMessage} name="streamdown" />);
