import { describe, expect, it } from "vitest";
import { isExternalUrl, safeUrl } from "./safe-url";

describe("safeUrl", () => {
  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\u0001javascript:alert(1)",
    "java%09script:alert(1)",
    "%6Aavascript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "DATA:image/png;base64,AAAA",
    "file:///etc/passwd",
  ])("neutralises %j", (url) => {
    expect(safeUrl(url)).toBe("");
  });

  it.each([
    "https://example.com/a?b=c#d",
    "http://example.com",
    "mailto:a@b.c",
    "/relative",
    "#user-content-fn-1",
    "x/y:z",
  ])("keeps %j", (url) => {
    expect(safeUrl(url)).toBe(url);
  });

  it("knows which links leave the app", () => {
    expect(isExternalUrl("https://example.com")).toBe(true);
    expect(isExternalUrl("//example.com")).toBe(true);
    expect(isExternalUrl("#user-content-fn-1")).toBe(false);
    expect(isExternalUrl("mailto:a@b.c")).toBe(false);
  });
});
