// KaTeX off the main thread: evaluating KaTeX's ~270 kB takes ~150 ms of a 4×-throttled main thread in one piece,
// and typesetting a new formula a few ms more; here neither blocks the page, which gets KaTeX's HTML back.
import type { TypesetOptions } from "./katex-here";
import { typesetHere } from "./katex-here";

type Request = { id: number; value: string; displayMode: boolean; settings: TypesetOptions };

addEventListener("message", (event: MessageEvent<Request>) => {
  const { id, value, displayMode, settings } = event.data;
  postMessage({ id, ...typesetHere(value, displayMode, settings) });
});
