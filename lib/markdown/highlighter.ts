import type { Token } from "./shiki";
import { LANGUAGES, loadHighlighter, loadLanguage, tokenize } from "./shiki";

export type { Token } from "./shiki";
export { loadHighlighter } from "./shiki";

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

// Results by language and code, so a block that re-mounts (or repeats) is not tokenised again.
const cache = new Map<string, Token[][]>();
const CACHE_SIZE = 200;
const cacheKey = (code: string, language: string) => `${language}\u0000${code}`;

/** A highlight computed earlier, available synchronously for the first render. */
export function cachedHighlight(code: string, language: string): Token[][] | undefined {
  return cache.get(cacheKey(code, language));
}

type WorkerReply = { id: number; lines?: Token[][]; error?: string };

let worker: Worker | null | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (lines: Token[][]) => void; reject: (error: Error) => void }>();

/**
 * The highlight worker: compiling a grammar's regexes and tokenising take seconds on a slow phone, so they run off
 * the main thread wherever module workers exist (null where they do not, e.g. tests: the main thread does it).
 */
function highlightWorker(): Worker | null {
  if (worker !== undefined) return worker;
  worker = null;
  if (typeof window === "undefined" || typeof Worker !== "function") return worker;
  try {
    const created = new Worker(new URL("./highlight.worker.ts", import.meta.url), { type: "module" });
    created.onmessage = (event: MessageEvent<WorkerReply>) => {
      const { id, lines, error } = event.data;
      const request = waiting.get(id);
      waiting.delete(id);
      if (lines) request?.resolve(lines);
      else request?.reject(new Error(error ?? "highlight failed"));
    };
    created.onerror = () => {
      // The worker could not start: reject what waits and highlight on the main thread from now on.
      worker = null;
      for (const request of waiting.values()) request.reject(new Error("highlight worker failed"));
      waiting.clear();
    };
    worker = created;
  } catch {
    worker = null;
  }
  return worker;
}

async function tokenizeHere(code: string, language: string): Promise<Token[][]> {
  const shiki = await loadHighlighter();
  await loadLanguage(shiki, language);
  return tokenize(shiki, code, language);
}

function tokenizeElsewhere(target: Worker, code: string, language: string): Promise<Token[][]> {
  const id = nextId++;
  return new Promise<Token[][]>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    target.postMessage({ id, code, language });
  });
}

/** Tokenises `code` (language already resolved), loading the highlighter and grammar if needed. */
export async function highlight(code: string, language: string): Promise<Token[][]> {
  const key = cacheKey(code, language);
  const cached = cache.get(key);
  if (cached) return cached;
  const target = highlightWorker();
  let lines: Token[][];
  if (target) {
    try {
      lines = await tokenizeElsewhere(target, code, language);
    } catch {
      lines = await tokenizeHere(code, language);
    }
  } else {
    lines = await tokenizeHere(code, language);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, lines);
  return lines;
}
