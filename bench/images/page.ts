// The benchmark page: the same 12 MP photo prepared by our worker pipeline and by browser-image-compression
// (in its own Web Worker), each measured for total time, main-thread blocking and output bytes.
import imageCompression from "browser-image-compression";
import { ImagePreparer } from "@/lib/images/worker/client";

export type Pipeline = "ours" | "library";

export interface RunResult {
  pipeline: Pipeline;
  totalMs: number;
  outputBytes: number;
  width: number;
  height: number;
  /** Long tasks (≥ 50 ms) PerformanceObserver saw during the run (the trace gives the full picture). */
  longTasks: number[];
  /** The output itself, base64, when asked for (quality and orientation checks in Node). */
  output?: string;
}

const MAX_EDGE = 2048;
const QUALITY = 0.85;
const preparer = new ImagePreparer(() => new Worker("/worker.js", { type: "module", name: "prepare-image" }));

let photo: File | undefined;
async function loadPhoto(): Promise<File> {
  if (!photo) {
    const blob = await (await fetch("/photo.jpg")).blob();
    photo = new File([blob], "photo.jpg", { type: "image/jpeg", lastModified: 0 });
  }
  return photo;
}

function watchLongTasks() {
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: "longtask" });
  return async () => {
    // Long-task entries are delivered after the task: give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    return longTasks;
  };
}

async function prepareWith(pipeline: Pipeline, file: File): Promise<Blob> {
  if (pipeline === "ours") {
    const result = await preparer.prepare(file, {
      maxEdge: MAX_EDGE,
      maxSourceBytes: 30 * 1024 * 1024,
      maxUploadBytes: 5 * 1024 * 1024,
    });
    if (!result.ok) throw new Error(`ours failed: ${result.reason}`);
    return result.blob;
  }
  return imageCompression(file, {
    maxWidthOrHeight: MAX_EDGE,
    fileType: "image/jpeg",
    initialQuality: QUALITY,
    useWebWorker: true,
    // Its worker loads the library with importScripts: from this server, not a CDN.
    libURL: `${location.origin}/browser-image-compression.js`,
  });
}

async function run(pipeline: Pipeline, keepOutput = false): Promise<RunResult> {
  const file = await loadPhoto();
  await new Promise((resolve) => setTimeout(resolve, 250));
  const stop = watchLongTasks();
  // The window the runner reads main-thread tasks from in the Chromium trace.
  performance.mark("bench:start");
  const start = performance.now();
  const out = await prepareWith(pipeline, file);
  const totalMs = performance.now() - start;
  performance.mark("bench:end");
  const longTasks = await stop();
  const bitmap = await createImageBitmap(out);
  const { width, height } = bitmap;
  bitmap.close();
  const output = keepOutput ? await toBase64(out) : undefined;
  return { pipeline, totalMs, outputBytes: out.size, width, height, longTasks, ...(output ? { output } : {}) };
}

async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

declare global {
  interface Window {
    bench: {
      run: (pipeline: Pipeline, keepOutput?: boolean) => Promise<RunResult>;
      warm: () => void;
      photoBytes: () => Promise<number>;
    };
  }
}

window.bench = {
  run,
  warm: () => preparer.warm(),
  photoBytes: async () => (await loadPhoto()).size,
};
document.body.dataset.ready = "true";
