import type { FileUIPart } from "ai";
import type { AppErrorPayload } from "@/lib/errors";
import type { UploadedImage } from "@/lib/images/api-types";
import type { PrepareFailure } from "@/lib/images/prepare-plan";

// The composer's pending images as a reducer: every transition is a plain function, testable without a DOM.

export interface Attachment {
  key: string;
  /** The file's own name, shown and sent as the part's filename. */
  name: string;
  status: "preparing" | "uploading" | "ready";
  /** Upload progress, 0–1. */
  progress: number;
  /** Object URL of the worker's small preview (or the stored image's own URL, for one put back after Stop). */
  preview?: string;
  /** What the message carries: the stored image's URL and type. */
  image?: Pick<UploadedImage, "url" | "mediaType">;
}

export type AttachmentProblem =
  | { reason: PrepareFailure }
  | { reason: "upload"; error: AppErrorPayload }
  | { reason: "network" }
  | { reason: "too_many"; limit: number }
  | { reason: "no_vision" };

/** A file that was not attached, and why: shown until dismissed or the message is sent. */
export interface AttachmentNotice {
  key: string;
  /** The file names concerned (one, or several for too_many/no_vision). */
  names: string[];
  problem: AttachmentProblem;
}

export interface AttachmentsState {
  items: Attachment[];
  notices: AttachmentNotice[];
}

export const EMPTY_ATTACHMENTS: AttachmentsState = { items: [], notices: [] };

export type AttachmentsAction =
  | { type: "add"; items: Array<Pick<Attachment, "key" | "name">> }
  | { type: "prepared"; key: string; preview: string }
  | { type: "progress"; key: string; progress: number }
  | { type: "uploaded"; key: string; image: UploadedImage }
  | { type: "failed"; key: string; problem: AttachmentProblem }
  | { type: "remove"; key: string }
  | { type: "notice"; notice: AttachmentNotice }
  | { type: "dismiss"; key: string }
  | { type: "clear" }
  /** Images already stored (a question put back in the composer): ready at once, nothing to prepare or upload. */
  | { type: "restore"; parts: Array<{ key: string; part: FileUIPart }> };

const update = (state: AttachmentsState, key: string, patch: Partial<Attachment>): AttachmentsState => ({
  ...state,
  items: state.items.map((item) => (item.key === key ? { ...item, ...patch } : item)),
});

export function attachmentsReducer(state: AttachmentsState, action: AttachmentsAction): AttachmentsState {
  switch (action.type) {
    case "add":
      return {
        ...state,
        items: [...state.items, ...action.items.map((i) => ({ ...i, status: "preparing" as const, progress: 0 }))],
      };
    case "prepared":
      return update(state, action.key, { status: "uploading", preview: action.preview });
    case "progress":
      return update(state, action.key, { progress: Math.max(0, Math.min(1, action.progress)) });
    case "uploaded":
      return update(state, action.key, { status: "ready", progress: 1, image: action.image });
    case "failed": {
      const item = state.items.find((i) => i.key === action.key);
      if (!item) return state;
      return {
        items: state.items.filter((i) => i.key !== action.key),
        notices: [...state.notices, { key: action.key, names: [item.name], problem: action.problem }],
      };
    }
    case "remove":
      return { ...state, items: state.items.filter((i) => i.key !== action.key) };
    case "notice":
      return { ...state, notices: [...state.notices, action.notice] };
    case "dismiss":
      return { ...state, notices: state.notices.filter((n) => n.key !== action.key) };
    case "clear":
      return EMPTY_ATTACHMENTS;
    case "restore":
      return {
        ...state,
        items: [
          ...state.items,
          ...action.parts.map(({ key, part }) => ({
            key,
            name: part.filename || "image",
            status: "ready" as const,
            progress: 1,
            preview: part.url,
            image: { url: part.url, mediaType: part.mediaType as UploadedImage["mediaType"] },
          })),
        ],
      };
  }
}

/** Files past the per-message limit, given how many are already attached. */
export function splitByRoom<T>(files: readonly T[], attached: number, limit: number): { accepted: T[]; skipped: T[] } {
  const room = Math.max(0, limit - attached);
  return { accepted: files.slice(0, room), skipped: files.slice(room) };
}

/** Still preparing or uploading: the message cannot be sent yet. */
export const isBusy = (state: AttachmentsState): boolean => state.items.some((i) => i.status !== "ready");

/** The message parts for the uploaded images: AI SDK file parts pointing at /api/images/<id>. */
export function toFileParts(state: AttachmentsState): FileUIPart[] {
  return state.items.flatMap((item) =>
    item.status === "ready" && item.image
      ? [{ type: "file" as const, mediaType: item.image.mediaType, url: item.image.url, filename: item.name }]
      : [],
  );
}
