import type { HighlighterCore, LanguageRegistration } from "shiki/core";

type LanguageModule = Promise<{ default: LanguageRegistration[] }>;

// A handful of common languages, each fetched the first time a block uses it; others stay plain.
export const LANGUAGES: Record<string, () => LanguageModule> = {
  bash: () => import("shiki/langs/bash.mjs"),
  c: () => import("shiki/langs/c.mjs"),
  cpp: () => import("shiki/langs/cpp.mjs"),
  csharp: () => import("shiki/langs/csharp.mjs"),
  css: () => import("shiki/langs/css.mjs"),
  diff: () => import("shiki/langs/diff.mjs"),
  go: () => import("shiki/langs/go.mjs"),
  html: () => import("shiki/langs/html.mjs"),
  java: () => import("shiki/langs/java.mjs"),
  javascript: () => import("shiki/langs/javascript.mjs"),
  json: () => import("shiki/langs/json.mjs"),
  jsx: () => import("shiki/langs/jsx.mjs"),
  kotlin: () => import("shiki/langs/kotlin.mjs"),
  markdown: () => import("shiki/langs/markdown.mjs"),
  python: () => import("shiki/langs/python.mjs"),
  rust: () => import("shiki/langs/rust.mjs"),
  sql: () => import("shiki/langs/sql.mjs"),
  tsx: () => import("shiki/langs/tsx.mjs"),
  typescript: () => import("shiki/langs/typescript.mjs"),
  xml: () => import("shiki/langs/xml.mjs"),
  yaml: () => import("shiki/langs/yaml.mjs"),
};

/** One highlighted token: its text and its colour in the light and the dark theme. */
export type Token = { content: string; light?: string; dark?: string };

let highlighter: Promise<HighlighterCore> | undefined;
const languages = new Map<string, Promise<void>>();

/**
 * Shiki's fine-grained core with the JavaScript regex engine (no WASM download), created once
 * on the first code block. Exported so tests can check it is never called for text without code.
 */
export function loadHighlighter(): Promise<HighlighterCore> {
  highlighter ??= Promise.all([
    import("shiki/core"),
    import("shiki/engine/javascript"),
    import("shiki/themes/github-light.mjs"),
    import("shiki/themes/github-dark.mjs"),
  ]).then(([{ createHighlighterCore }, { createJavaScriptRegexEngine }, light, dark]) =>
    createHighlighterCore({
      themes: [light.default, dark.default],
      langs: [],
      engine: createJavaScriptRegexEngine({ forgiving: true }),
    }),
  );
  return highlighter;
}

/** Shiki's tokens as our lines: text and the two themes' colours. */
export function tokenize(shiki: HighlighterCore, code: string, language: string): Token[][] {
  const { tokens } = shiki.codeToTokens(code, {
    lang: language,
    themes: { light: "github-light", dark: "github-dark" },
    defaultColor: false,
    // Pathological lines (minified code) are left plain instead of blocking the page.
    tokenizeMaxLineLength: 1000,
    // No per-line time limit: the first lines pay for compiling the grammar's regexes, and a limit
    // would leave them half-coloured, differently from the same code highlighted later.
    tokenizeTimeLimit: 0,
  });
  return tokens.map((line) =>
    line.map((token) => ({
      content: token.content,
      light: token.htmlStyle?.["--shiki-light"],
      dark: token.htmlStyle?.["--shiki-dark"],
    })),
  );
}

/** Loads a grammar (language already resolved) into `shiki`, once. */
export function loadLanguage(shiki: HighlighterCore, language: string): Promise<void> {
  let loading = languages.get(language);
  if (!loading) {
    loading = LANGUAGES[language]!().then((module) => shiki.loadLanguage(...module.default));
    languages.set(language, loading);
  }
  return loading;
}
