"use client";

import { useQueryClient } from "@tanstack/react-query";
import { parseJsonEventStream, parsePartialJson } from "ai";
import { useCallback, useRef, useState } from "react";
import { z } from "zod";
import type { AnnouncementForm } from "@/lib/announcements/form";
import type { AnnouncementVersion, StudioEvent } from "@/lib/announcements/generate";
import type { Announcement } from "@/lib/announcements/schema";
import { parseErrorPayload, type AppErrorPayload } from "@/lib/errors";
import { announcementKeys } from "./queries";

// The studio's one generation at a time: POST /api/announcements/generate, read its SSE events
// (decoded by the AI SDK's parser), and show the JSON as far as it has come (parsePartialJson).

export type StudioStatus = "idle" | "streaming" | "repairing" | "error";

export interface StudioState {
  status: StudioStatus;
  /** The notice as far as it has streamed (partial while streaming). */
  draft: Partial<Announcement> | undefined;
  error: AppErrorPayload | undefined;
  announcementId: string | undefined;
  form: AnnouncementForm | undefined;
  versions: AnnouncementVersion[];
  selectedId: string | undefined;
}

const eventSchema = z.looseObject({ type: z.string() });

const initial: StudioState = {
  status: "idle",
  draft: undefined,
  error: undefined,
  announcementId: undefined,
  form: undefined,
  versions: [],
  selectedId: undefined,
};

export interface LoadedAnnouncement {
  id: string;
  form: AnnouncementForm;
  versions: AnnouncementVersion[];
}

function loaded(found: LoadedAnnouncement): StudioState {
  const last = found.versions.at(-1);
  return {
    ...initial,
    announcementId: found.id,
    form: found.form,
    versions: found.versions,
    selectedId: last?.id,
    draft: last?.content,
  };
}

export function useStudio(opened?: LoadedAnnouncement) {
  const [state, setState] = useState<StudioState>(() => (opened ? loaded(opened) : initial));
  const abort = useRef<AbortController | undefined>(undefined);
  const queryClient = useQueryClient();

  const run = useCallback(
    async (body: {
      form: AnnouncementForm;
      announcementId?: string;
      revision?: { versionId: string; instruction: string };
    }) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setState((s) => ({ ...s, status: "streaming", draft: undefined, error: undefined }));
      let text = "";
      let sequence = 0;
      const show = async () => {
        const mine = ++sequence;
        const start = text.indexOf("{");
        if (start < 0) return;
        const { value } = await parsePartialJson(text.slice(start));
        // A later parse may finish first: only the newest one is shown.
        if (mine !== sequence || !value || typeof value !== "object") return;
        setState((s) =>
          s.status === "streaming" || s.status === "repairing" ? { ...s, draft: value as Partial<Announcement> } : s,
        );
      };
      try {
        const response = await fetch("/api/announcements/generate", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw parseErrorPayload(await response.text());
        const events = parseJsonEventStream({ stream: response.body, schema: eventSchema });
        for await (const parsed of events as unknown as AsyncIterable<{ success: boolean; value?: unknown }>) {
          if (!parsed.success) continue;
          const event = parsed.value as StudioEvent;
          if (event.type === "start") {
            setState((s) => ({ ...s, announcementId: event.announcementId }));
            // The address names the announcement, so a reload or a shared link reopens it.
            window.history.replaceState(null, "", `/announcements?id=${encodeURIComponent(event.announcementId)}`);
          } else if (event.type === "delta") {
            text += event.text;
            void show();
          } else if (event.type === "repair") {
            text = "";
            setState((s) => ({ ...s, status: "repairing", draft: undefined }));
          } else if (event.type === "error") throw event.error;
          else if (event.type === "done") {
            sequence++;
            setState((s) => ({
              ...s,
              status: "idle",
              draft: event.version.content,
              announcementId: event.announcementId,
              form: body.revision ? s.form : body.form,
              versions: [...s.versions.filter((v) => v.id !== event.version.id), event.version],
              selectedId: event.version.id,
            }));
            void queryClient.invalidateQueries({ queryKey: announcementKeys.all });
          }
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        const error =
          err && typeof err === "object" && "code" in err ? (err as AppErrorPayload) : parseErrorPayload(String(err));
        setState((s) => ({ ...s, status: "error", error }));
      }
    },
    [queryClient],
  );

  const generate = useCallback(
    (form: AnnouncementForm) =>
      run({ form, ...(state.announcementId ? { announcementId: state.announcementId } : {}) }),
    [run, state.announcementId],
  );

  const revise = useCallback(
    (instruction: string) => {
      const base = state.versions.find((v) => v.id === state.selectedId) ?? state.versions.at(-1);
      if (!base || !state.announcementId || !state.form) return;
      void run({
        form: state.form,
        announcementId: state.announcementId,
        revision: { versionId: base.id, instruction },
      });
    },
    [run, state.announcementId, state.form, state.selectedId, state.versions],
  );

  const select = useCallback((versionId: string) => {
    setState((s) => {
      const version = s.versions.find((v) => v.id === versionId);
      return version ? { ...s, selectedId: versionId, draft: version.content, status: "idle", error: undefined } : s;
    });
  }, []);

  /** Shows a saved announcement (the page was asked for it again, e.g. from the list). */
  const load = useCallback((found: LoadedAnnouncement) => {
    abort.current?.abort();
    setState(loaded(found));
  }, []);

  const reset = useCallback(() => {
    abort.current?.abort();
    setState(initial);
  }, []);

  return { state, generate, revise, select, load, reset };
}
