// Streamdown's optional plugins, rebuilt from the libraries the official packages wrap, with their defaults:
// - math (@streamdown/math): remark-math with singleDollarTextMath off, rehype-katex with a muted error colour;
// - cjk (@streamdown/cjk): remark-cjk-friendly before remark-gfm, its strikethrough companion after;
// - code (@streamdown/code, opt-in): Shiki with the JavaScript regex engine, highlighting asynchronously, caching
//   complete blocks.
import githubDark from "@shikijs/themes/github-dark";
import githubLight from "@shikijs/themes/github-light";
import rehypeKatex from "rehype-katex";
import remarkCjkFriendly from "remark-cjk-friendly";
import remarkCjkFriendlyGfmStrikethrough from "remark-cjk-friendly-gfm-strikethrough";
import remarkMath from "remark-math";
import { createHighlighterCore, type HighlighterCore, type LanguageInput } from "shiki/core";
import { createJavaScriptRegexEngine } from "shiki/engine/javascript";
import type { CodeHighlighterPlugin, HighlightOptions, HighlightResult, PluginConfig } from "streamdown";

const LANGS: Record<string, () => Promise<LanguageInput>> = {
  typescript: () => import("@shikijs/langs/typescript").then((m) => m.default),
  python: () => import("@shikijs/langs/python").then((m) => m.default),
  rust: () => import("@shikijs/langs/rust").then((m) => m.default),
  go: () => import("@shikijs/langs/go").then((m) => m.default),
  sql: () => import("@shikijs/langs/sql").then((m) => m.default),
  bash: () => import("@shikijs/langs/bash").then((m) => m.default),
};

let highlighter: HighlighterCore | undefined;
const loading = new Map<string, Promise<void>>();
const cache = new Map<string, HighlightResult>();

function ensure(lang: string): Promise<void> {
  let p = loading.get(lang);
  if (!p) {
    p = (async () => {
      highlighter ??= await createHighlighterCore({
        themes: [githubLight, githubDark],
        langs: [],
        engine: createJavaScriptRegexEngine({ forgiving: true }),
      });
      const load = LANGS[lang];
      if (load) await highlighter.loadLanguage(await load());
    })();
    loading.set(lang, p);
  }
  return p;
}

function tokens(options: HighlightOptions): HighlightResult {
  return highlighter!.codeToTokens(options.code, {
    lang: options.language,
    themes: { light: "github-light", dark: "github-dark" },
  }) as HighlightResult;
}

const code: CodeHighlighterPlugin = {
  name: "shiki",
  type: "code-highlighter",
  getSupportedLanguages: () => Object.keys(LANGS) as never[],
  getThemes: () => ["github-light", "github-dark"],
  supportsLanguage: (language) => language in LANGS,
  highlight(options, callback) {
    if (!(options.language in LANGS)) return null;
    const key = `${options.language}\u0000${options.code}`;
    const hit = cache.get(key);
    if (hit) return hit;
    void ensure(options.language).then(() => {
      const result = tokens(options);
      if (!options.isIncomplete) cache.set(key, result);
      callback?.(result);
    });
    return null;
  },
};

export const plugins: PluginConfig = {
  math: {
    name: "katex",
    type: "math",
    remarkPlugin: [remarkMath, { singleDollarTextMath: false }],
    rehypePlugin: [rehypeKatex, { errorColor: "var(--color-muted-foreground)" }],
  },
  cjk: {
    name: "cjk",
    type: "cjk",
    remarkPlugins: [remarkCjkFriendly, remarkCjkFriendlyGfmStrikethrough],
    remarkPluginsBefore: [remarkCjkFriendly],
    remarkPluginsAfter: [remarkCjkFriendlyGfmStrikethrough],
  },
};

export const withShiki: PluginConfig = { ...plugins, code };
