// Shiki off the main thread: grammars compile and code tokenises here; the page gets plain token lists back.
import { loadHighlighter, loadLanguage, tokenize } from "./shiki";

type Request = { id: number; code: string; language: string };

addEventListener("message", (event: MessageEvent<Request>) => {
  const { id, code, language } = event.data;
  loadHighlighter()
    .then(async (shiki) => {
      await loadLanguage(shiki, language);
      postMessage({ id, lines: tokenize(shiki, code, language) });
    })
    .catch((error: unknown) => postMessage({ id, error: String(error) }));
});
