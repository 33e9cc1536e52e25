"use client";

import "./markdown.css";
import { cn } from "@/lib/utils";
import { MarkdownBlocks } from "./markdown-blocks";
import { useBlockSplit } from "./use-block-split";
import { useFrameText } from "./use-frame-text";
import { useLoadMath, useMathPlugins } from "./use-math-plugins";
import { warmUp } from "./warm-up";

// This module is fetched when the page is idle after its first paint: get the renderer ready for the first reply.
warmUp();

export type MarkdownProps = {
  text: string;
  /** The text is still growing: heal its unfinished end and batch updates per frame. */
  streaming: boolean;
  className?: string;
};

/**
 * Renders model output as markdown while it streams: finished blocks are rendered once and kept,
 * only the growing tail is parsed again, and the final DOM equals a one-shot render of the text.
 */
export function Markdown({ text, streaming, className }: MarkdownProps) {
  const shown = useFrameText(text, streaming);
  const math = useMathPlugins();
  const split = useBlockSplit(shown, !streaming, math);
  useLoadMath(split.tail.math || split.blocks.some((block) => block.math));
  return (
    <div data-slot="markdown" className={cn("markdown message-text", className)}>
      <MarkdownBlocks split={split} math={math} streaming={streaming} />
    </div>
  );
}
