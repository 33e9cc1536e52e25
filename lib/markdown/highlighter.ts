import type { HighlighterCore, LanguageRegistration } from "shiki/core";

type LanguageModule = Promise<{ default: LanguageRegistration[] }>;

// A handful of common languages, each fetched the first time a block uses it; others stay plain.
const LANGUAGES: Record<string, () => LanguageModule> = {
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

const ALIASES: Record<string, string> = {
  js: "javascript",
  mjs: "javascript",
  ts: "typescript",
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  console: "bash",
  py: "python",
  "c++": "cpp",
  cs: "csharp",
  "c#": "csharp",
  golang: "go",
  rs: "rust",
  kt: "kotlin",
  md: "markdown",
  yml: "yaml",
  svg: "xml",
};

/** The grammar name for a fence's language, or null when it is not one we highlight. */
export function resolveLanguage(language: string): string | null {
  const name = language.toLowerCase();
  const resolved = ALIASES[name] ?? name;
  return resolved in LANGUAGES ? resolved : null;
}

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

// Results by language and code, so a block that re-mounts (or repeats) is not tokenised again.
const cache = new Map<string, Token[][]>();
const CACHE_SIZE = 200;
const cacheKey = (code: string, language: string) => `${language}\u0000${code}`;

/** A highlight computed earlier, available synchronously for the first render. */
export function cachedHighlight(code: string, language: string): Token[][] | undefined {
  return cache.get(cacheKey(code, language));
}

/** Tokenises `code` (language already resolved), loading the highlighter and grammar if needed. */
export async function highlight(code: string, language: string): Promise<Token[][]> {
  const key = cacheKey(code, language);
  const cached = cache.get(key);
  if (cached) return cached;
  const shiki = await loadHighlighter();
  let loading = languages.get(language);
  if (!loading) {
    loading = LANGUAGES[language]!().then((module) => shiki.loadLanguage(...module.default));
    languages.set(language, loading);
  }
  await loading;
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
  const lines = tokens.map((line) =>
    line.map((token) => ({
      content: token.content,
      light: token.htmlStyle?.["--shiki-light"],
      dark: token.htmlStyle?.["--shiki-dark"],
    })),
  );
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, lines);
  return lines;
}
