// Zod compiles object parsers with `new Function` when the page allows it, and finds out by trying
// once; under the pages' Content-Security-Policy (no 'unsafe-eval', see proxy.ts) even that probe is
// reported as a violation. In the browser, Zod parses without compiling (the AI SDK validates each
// stream chunk with it; the objects are small). Zod keeps its settings on globalThis, so this works
// whether it runs before or after Zod is loaded. The server keeps the compiled parsers.
const holder = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
if (typeof window !== "undefined") (holder.__zod_globalConfig ??= {}).jitless = true;

export {};
