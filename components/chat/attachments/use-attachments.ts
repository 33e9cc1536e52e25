"use client";

import type { FileUIPart } from "ai";
import { useCallback, useEffect, useReducer, useRef } from "react";
import { DEFAULT_IMAGE_SETTINGS, type ImageSettings } from "@/lib/images/limits";
import { randomId } from "@/lib/utils";
import {
  attachmentsReducer,
  EMPTY_ATTACHMENTS,
  isBusy,
  splitByRoom,
  toFileParts,
  type AttachmentsState,
} from "./attachments-state";
import { imagePreparer } from "./preparer";
import { UploadError, uploadImage } from "./upload-image";

// Pending images of the composer: each file is prepared in the worker (one at a time: a 12 MP decode
// needs ~50 MB), then uploaded (uploads overlap with the next preparation), then becomes a file part.

export interface Attachments {
  state: AttachmentsState;
  /** Adds files (from the picker, a paste or a drop); `allowed` false refuses them all with a notice. */
  add: (files: readonly File[], options?: { allowed?: boolean }) => void;
  remove: (key: string) => void;
  dismiss: (key: string) => void;
  /** Empties the tray (after sending); uploaded images stay stored, referenced by the sent message. */
  clear: () => void;
  /** Puts images already stored back in the tray (a question taken back), after those there. */
  restore: (parts: readonly FileUIPart[]) => void;
  busy: boolean;
  parts: ReturnType<typeof toFileParts>;
  settings: ImageSettings;
}

let queue: Promise<unknown> = Promise.resolve();
/** One preparation at a time, page-wide. */
function serially<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work);
  queue = next.catch(() => {});
  return next;
}

export function useAttachments(settings: ImageSettings | undefined): Attachments {
  const limits = settings ?? DEFAULT_IMAGE_SETTINGS;
  const [state, dispatch] = useReducer(attachmentsReducer, EMPTY_ATTACHMENTS);
  /** Items attached so far, counted at once, so a second paste before the next render sees the first. */
  const countRef = useRef(0);
  const jobs = useRef(new Map<string, AbortController>());
  const previews = useRef(new Map<string, string>());

  useEffect(() => {
    countRef.current = state.items.length;
  }, [state.items.length]);

  const forget = useCallback((key: string) => {
    jobs.current.get(key)?.abort();
    jobs.current.delete(key);
    const preview = previews.current.get(key);
    if (preview) URL.revokeObjectURL(preview);
    previews.current.delete(key);
  }, []);

  useEffect(() => {
    const running = jobs.current;
    const urls = previews.current;
    return () => {
      for (const job of running.values()) job.abort();
      for (const url of urls.values()) URL.revokeObjectURL(url);
      running.clear();
      urls.clear();
    };
  }, []);

  const run = useCallback(
    async (key: string, file: File, signal: AbortSignal) => {
      const result = await serially(() =>
        signal.aborted ? Promise.resolve(null) : imagePreparer().prepare(file, limits),
      );
      if (!result || signal.aborted) return;
      if (!result.ok) {
        jobs.current.delete(key);
        dispatch({ type: "failed", key, problem: { reason: result.reason } });
        return;
      }
      const preview = URL.createObjectURL(result.thumb);
      previews.current.set(key, preview);
      dispatch({ type: "prepared", key, preview });
      try {
        const image = await uploadImage(result.blob, {
          signal,
          onProgress: (progress) => dispatch({ type: "progress", key, progress }),
        });
        if (!signal.aborted) dispatch({ type: "uploaded", key, image });
      } catch (err) {
        if (signal.aborted) return;
        const payload = err instanceof UploadError ? err.payload : null;
        dispatch({
          type: "failed",
          key,
          problem: payload ? { reason: "upload", error: payload } : { reason: "network" },
        });
        forget(key);
      } finally {
        jobs.current.delete(key);
      }
    },
    [limits, forget],
  );

  const add = useCallback(
    (files: readonly File[], options: { allowed?: boolean } = {}) => {
      if (files.length === 0) return;
      if (options.allowed === false) {
        const names = files.map((f) => f.name);
        dispatch({ type: "notice", notice: { key: randomId(), names, problem: { reason: "no_vision" } } });
        return;
      }
      const { accepted, skipped } = splitByRoom(files, countRef.current, limits.maxPerMessage);
      countRef.current += accepted.length;
      if (skipped.length > 0) {
        dispatch({
          type: "notice",
          notice: {
            key: randomId(),
            names: skipped.map((f) => f.name),
            problem: { reason: "too_many", limit: limits.maxPerMessage },
          },
        });
      }
      const items = accepted.map((file) => ({ key: randomId(), name: file.name || "image", file }));
      dispatch({ type: "add", items: items.map(({ key, name }) => ({ key, name })) });
      for (const { key, file } of items) {
        const job = new AbortController();
        jobs.current.set(key, job);
        void run(key, file, job.signal);
      }
    },
    [limits.maxPerMessage, run],
  );

  const remove = useCallback(
    (key: string) => {
      forget(key);
      dispatch({ type: "remove", key });
    },
    [forget],
  );

  const clear = useCallback(() => {
    for (const key of [...jobs.current.keys(), ...previews.current.keys()]) forget(key);
    dispatch({ type: "clear" });
  }, [forget]);

  const dismiss = useCallback((key: string) => dispatch({ type: "dismiss", key }), []);

  const restore = useCallback(
    (parts: readonly FileUIPart[]) => {
      // Within the per-message limit, counted like added files (the question carried no more than that).
      const { accepted } = splitByRoom(parts, countRef.current, limits.maxPerMessage);
      if (accepted.length === 0) return;
      countRef.current += accepted.length;
      dispatch({ type: "restore", parts: accepted.map((part) => ({ key: randomId(), part })) });
    },
    [limits.maxPerMessage],
  );

  return {
    state,
    add,
    remove,
    dismiss,
    clear,
    restore,
    busy: isBusy(state),
    parts: toFileParts(state),
    settings: limits,
  };
}
