import type { ElementContent } from "hast";
import { fromHtmlIsomorphic } from "hast-util-from-html-isomorphic";
import type { Typeset, TypesetOptions } from "./katex-here";

// Typeset formulas, by options, mode and source. In the browser KaTeX runs in a worker (lib/markdown/katex.worker.ts):
// evaluating it on the main thread is one ~150 ms task at 4× CPU throttling, longer than a frame may block. A formula
// not typeset yet renders as its source (muted), and the component that rendered it renders again once every formula
// it showed has arrived (useFormulasReady). Where there are no module workers (tests, or a worker that failed to
// start) KaTeX runs here, synchronously, and nothing is ever pending.

type Here = (value: string, displayMode: boolean, settings: TypesetOptions) => Typeset;
type Request = { key: string; value: string; displayMode: boolean; settings: TypesetOptions };

let here: Here | undefined;
let worker: Worker | undefined;
let started: Promise<void> | undefined;
let nextId = 0;
const inFlight = new Map<number, Request>();
const requested = new Set<string>();

/** A typeset formula: its tree, and why KaTeX's strict render refused it (it then rendered leniently), if it did. */
export type Formula = { tree: ElementContent[]; error?: string };

const cache = new Map<string, Formula>();
const CACHE_SIZE = 1000;
const listeners = new Set<() => void>();
let collecting: Set<string> | null = null;

function toFormula(result: Typeset, settings: TypesetOptions, value: string): Formula {
  const error = result.error === undefined ? {} : { error: result.error };
  if (result.html !== undefined) {
    return { tree: fromHtmlIsomorphic(result.html, { fragment: true }).children as ElementContent[], ...error };
  }
  const tree: ElementContent[] = [
    {
      type: "element",
      tagName: "span",
      properties: {
        className: ["katex-error"],
        style: "color:" + (settings.errorColor || "#cc0000"),
        title: result.error,
      },
      children: [{ type: "text", value }],
    },
  ];
  return { tree, ...error };
}

function store(key: string, formula: Formula): void {
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, formula);
}

let notifying = false;
/** Tells the components waiting for formulas, once per frame however many arrived (each renders once). */
function arrived(): void {
  if (notifying) return;
  notifying = true;
  const notify = () => {
    notifying = false;
    for (const listener of listeners) listener();
  };
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(notify);
  else setTimeout(notify, 0);
}

/**
 * Where a typeset formula is kept: a formula KaTeX typeset strictly (no error) looks the same whatever the options
 * that only style errors, so it is kept for all of them (the streaming tail's muted errors and the settled block's
 * red ones); one it refused depends on them.
 */
const sharedKey = (key: string) => key.slice(key.indexOf("\u0000") + 1);

function keep(key: string, formula: Formula): void {
  store(formula.error === undefined ? sharedKey(key) : key, formula);
}

/** Typesets on the main thread from now on: for everything still waiting, and every later formula. */
async function fallBackHere(): Promise<void> {
  worker = undefined;
  here ??= (await import("./katex-here")).typesetHere;
  for (const request of inFlight.values()) {
    store(
      request.key,
      toFormula(here(request.value, request.displayMode, request.settings), request.settings, request.value),
    );
    requested.delete(request.key);
  }
  inFlight.clear();
  arrived();
}

function createWorker(): Worker | undefined {
  if (typeof window === "undefined" || typeof Worker !== "function") return undefined;
  try {
    const created = new Worker(new URL("./katex.worker.ts", import.meta.url), { type: "module" });
    created.onmessage = (event: MessageEvent<Typeset & { id: number }>) => {
      const { id, ...result } = event.data;
      const request = inFlight.get(id);
      if (!request) return;
      inFlight.delete(id);
      requested.delete(request.key);
      keep(request.key, toFormula(result, request.settings, request.value));
      arrived();
    };
    // The worker could not start (or died): KaTeX runs here instead.
    created.onerror = () => void fallBackHere();
    return created;
  } catch {
    return undefined;
  }
}

/** Starts the typesetter once: the worker where module workers exist (KaTeX loads inside it), else KaTeX here. */
export function startTypesetter(): Promise<void> {
  started ??= (async () => {
    worker = createWorker();
    if (!worker) here = (await import("./katex-here")).typesetHere;
  })();
  return started;
}

/** The cache key of a formula: options (as JSON, without a NUL), mode and source. */
export const formulaKey = (options: string, displayMode: boolean, value: string) =>
  `${options}\u0000${displayMode}\u0000${value}`;

/**
 * A typeset formula (its tree is shared: copy it before changing it), or undefined while the worker typesets it.
 * A pending formula is noted for the component rendering it (see collectFormulas). With `request` false, one the
 * worker has not typeset yet is not sent to it (nor noted): a formula still being typed changes with the next token.
 */
export function typesetFormula(
  key: string,
  value: string,
  displayMode: boolean,
  settings: TypesetOptions,
  request = true,
): Formula | undefined {
  const found = cached(key);
  if (found) return found;
  if (here && !worker) {
    const formula = toFormula(here(value, displayMode, settings), settings, value);
    keep(key, formula);
    return formula;
  }
  if (!request) return undefined;
  collecting?.add(key);
  if (!requested.has(key) && worker) {
    requested.add(key);
    const id = nextId++;
    inFlight.set(id, { key, value, displayMode, settings });
    worker.postMessage({ id, value, displayMode, settings });
  }
  return undefined;
}

function cached(key: string): Formula | undefined {
  for (const k of [sharedKey(key), key]) {
    const formula = cache.get(k);
    if (formula) {
      // Most recently used last.
      cache.delete(k);
      cache.set(k, formula);
      return formula;
    }
  }
  return undefined;
}

/** Runs `render` and returns what it returned with the keys of the formulas it found still pending. */
export function collectFormulas<T>(render: () => T): [T, string[]] {
  const outer = collecting;
  const keys = new Set<string>();
  collecting = keys;
  try {
    return [render(), [...keys]];
  } finally {
    collecting = outer;
  }
}

/** Whether every one of `keys` has been typeset. */
export const formulasReady = (keys: readonly string[]) =>
  keys.every((key) => cache.has(sharedKey(key)) || cache.has(key));

/** Calls `listener` whenever formulas arrive from the worker; returns the unsubscribe function. */
export function onFormulas(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
