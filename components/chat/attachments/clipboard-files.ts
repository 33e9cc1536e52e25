// Which files a paste carries, and whether they are the point of the paste.

/**
 * The files to attach from a paste, or none when the paste is text. Copying cells from Word or Excel puts
 * text, HTML and a rendered picture of them on the clipboard: that is a text paste. A screenshot, a
 * "Copy image" in a browser, or a file copied in the file manager (which may add its name as text) are files.
 */
export function filesFromClipboard(data: Pick<DataTransfer, "files" | "types" | "getData"> | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  if (files.length === 0) return [];
  const types = [...data.types];
  const richText = types.includes("text/html") && types.includes("text/plain") && data.getData("text/plain").trim();
  return richText ? [] : files;
}

/** Whether a drag carries files (not text or a link being dragged within the page). */
export function dragHasFiles(data: Pick<DataTransfer, "types"> | null): boolean {
  return !!data && [...data.types].includes("Files");
}
