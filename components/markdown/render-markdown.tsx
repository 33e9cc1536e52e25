import type { Options } from "react-markdown";
import ReactMarkdown from "react-markdown";
import { useCallback, useSyncExternalStore } from "react";
import { collectFormulas, formulasReady, onFormulas } from "@/lib/markdown/formulas";
import { withCachedParse } from "./cached-parse";

const never = () => () => {};
const ready = () => true;
const noPlugins: NonNullable<Options["remarkPlugins"]> = [];

/**
 * react-markdown's synchronous render, called in this component's own render so that the formulas it could not show
 * yet (KaTeX still typesetting them in its worker) are known: the component renders again once all of them are in.
 * The parse goes through a cache (cached-parse.ts): a text that only grew by Chinese characters is not parsed again.
 */
export function RenderMarkdown(props: Options) {
  const options = { ...props, remarkPlugins: withCachedParse(props.remarkPlugins ?? noPlugins) };
  const [element, keys] = collectFormulas(() => ReactMarkdown(options));
  const joined = keys.join("\u0001");
  const subscribe = useCallback((listener: () => void) => (joined ? onFormulas(listener) : never()), [joined]);
  useSyncExternalStore(subscribe, () => formulasReady(keys), ready);
  return element;
}
