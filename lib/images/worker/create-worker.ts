// The app's worker, bundled by Next.js from the `new URL(…, import.meta.url)` pattern.
// Kept apart from client.ts so other bundlers (the benchmark's esbuild) can supply their own worker.
export function createPrepareWorker(): Worker {
  return new Worker(new URL("./prepare-image.worker.ts", import.meta.url), { type: "module", name: "prepare-image" });
}
