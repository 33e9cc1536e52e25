import { describe, expect, it } from "vitest";
import type { UploadedImage } from "@/lib/images/api-types";
import { attachmentsReducer, EMPTY_ATTACHMENTS, isBusy, splitByRoom, toFileParts } from "./attachments-state";
import { dragHasFiles, filesFromClipboard } from "./clipboard-files";

const uploaded = (id: string): UploadedImage => ({
  id,
  url: `/api/images/${id}`,
  mediaType: "image/jpeg",
  width: 2048,
  height: 1536,
  bytes: 400_000,
});

describe("attachments state", () => {
  it("walks an image from preparing to uploading to ready, and only then offers it as a file part", () => {
    let state = attachmentsReducer(EMPTY_ATTACHMENTS, { type: "add", items: [{ key: "a", name: "cat.jpg" }] });
    expect(state.items[0]).toMatchObject({ status: "preparing", progress: 0 });
    expect(isBusy(state)).toBe(true);
    state = attachmentsReducer(state, { type: "prepared", key: "a", preview: "blob:x" });
    state = attachmentsReducer(state, { type: "progress", key: "a", progress: 0.5 });
    expect(state.items[0]).toMatchObject({ status: "uploading", progress: 0.5, preview: "blob:x" });
    expect(toFileParts(state)).toEqual([]);
    state = attachmentsReducer(state, { type: "uploaded", key: "a", image: uploaded("id-a") });
    expect(isBusy(state)).toBe(false);
    expect(toFileParts(state)).toEqual([
      { type: "file", mediaType: "image/jpeg", url: "/api/images/id-a", filename: "cat.jpg" },
    ]);
  });

  it("turns a failure into a notice naming the file, and removes the thumbnail", () => {
    let state = attachmentsReducer(EMPTY_ATTACHMENTS, { type: "add", items: [{ key: "a", name: "x.svg" }] });
    state = attachmentsReducer(state, { type: "failed", key: "a", problem: { reason: "svg" } });
    expect(state).toEqual({ items: [], notices: [{ key: "a", names: ["x.svg"], problem: { reason: "svg" } }] });
    // A late failure for an image already removed changes nothing.
    expect(attachmentsReducer(state, { type: "failed", key: "gone", problem: { reason: "network" } })).toBe(state);
    expect(attachmentsReducer(state, { type: "dismiss", key: "a" }).notices).toEqual([]);
  });

  it("removes and clears", () => {
    let state = attachmentsReducer(EMPTY_ATTACHMENTS, {
      type: "add",
      items: [
        { key: "a", name: "1.png" },
        { key: "b", name: "2.png" },
      ],
    });
    state = attachmentsReducer(state, { type: "remove", key: "a" });
    expect(state.items.map((i) => i.key)).toEqual(["b"]);
    expect(attachmentsReducer(state, { type: "clear" })).toEqual(EMPTY_ATTACHMENTS);
  });

  it("puts the images of a question taken back in the tray, ready and offered as the same file parts", () => {
    const parts = [
      { type: "file" as const, mediaType: "image/png", url: "/api/images/id-b", filename: "截图.png" },
      { type: "file" as const, mediaType: "image/jpeg", url: "/api/images/id-c" },
    ];
    let state = attachmentsReducer(EMPTY_ATTACHMENTS, { type: "add", items: [{ key: "a", name: "new.jpg" }] });
    state = attachmentsReducer(state, {
      type: "restore",
      parts: parts.map((part, i) => ({ key: `r${i}`, part })),
    });
    expect(state.items.map((i) => [i.key, i.name, i.status, i.preview])).toEqual([
      ["a", "new.jpg", "preparing", undefined],
      ["r0", "截图.png", "ready", "/api/images/id-b"],
      ["r1", "image", "ready", "/api/images/id-c"],
    ]);
    expect(toFileParts(attachmentsReducer(state, { type: "remove", key: "a" }))).toEqual([
      parts[0],
      { ...parts[1], filename: "image" },
    ]);
  });

  it("splits files beyond the per-message limit", () => {
    expect(splitByRoom([1, 2, 3], 4, 6)).toEqual({ accepted: [1, 2], skipped: [3] });
    expect(splitByRoom([1], 6, 6)).toEqual({ accepted: [], skipped: [1] });
  });
});

describe("clipboard and drag", () => {
  const clip = (files: string[], data: Record<string, string>) => ({
    files: files.map((name) => new File(["x"], name, { type: "image/png" })) as unknown as FileList,
    types: [...Object.keys(data), ...(files.length ? ["Files"] : [])],
    getData: (type: string) => data[type] ?? "",
  });

  it("attaches a pasted screenshot, a browser's copied image and a copied file (with its name as text)", () => {
    expect(filesFromClipboard(clip(["image.png"], {})).map((f) => f.name)).toEqual(["image.png"]);
    expect(filesFromClipboard(clip(["a.png"], { "text/html": "<img src=x>" }))).toHaveLength(1);
    expect(filesFromClipboard(clip(["photo.jpg"], { "text/plain": "photo.jpg" }))).toHaveLength(1);
  });

  it("treats Office's text + HTML + picture as a text paste, and plain text as text", () => {
    expect(filesFromClipboard(clip(["image.png"], { "text/plain": "A1\tB1", "text/html": "<table>" }))).toEqual([]);
    expect(filesFromClipboard(clip([], { "text/plain": "hello" }))).toEqual([]);
    expect(filesFromClipboard(null)).toEqual([]);
  });

  it("knows a file drag from a text drag", () => {
    expect(dragHasFiles({ types: ["Files"] })).toBe(true);
    expect(dragHasFiles({ types: ["text/plain"] })).toBe(false);
    expect(dragHasFiles(null)).toBe(false);
  });
});
