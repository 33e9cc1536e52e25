"use client";

// Rich copy: HTML and plain text on the clipboard at once, so a paste into 企业微信/钉钉/飞书 documents
// keeps headings and lists while plain-text fields get clean text.

export async function copyRich(html: string, plain: string): Promise<boolean> {
  try {
    if (window.isSecureContext && typeof ClipboardItem !== "undefined" && navigator.clipboard?.write) {
      await navigator.clipboard.write([
        new ClipboardItem({
          "text/html": new Blob([html], { type: "text/html" }),
          "text/plain": new Blob([plain], { type: "text/plain" }),
        }),
      ]);
      return true;
    }
  } catch {
    // Denied or unsupported: the selection fallback below.
  }
  // Plain-http intranet pages: copy a rendered selection, which browsers put on the clipboard as HTML too.
  const holder = document.createElement("div");
  holder.innerHTML = html;
  holder.setAttribute("contenteditable", "true");
  holder.style.position = "fixed";
  holder.style.left = "-9999px";
  document.body.append(holder);
  const selection = window.getSelection();
  const range = document.createRange();
  range.selectNodeContents(holder);
  selection?.removeAllRanges();
  selection?.addRange(range);
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  selection?.removeAllRanges();
  holder.remove();
  return copied;
}
