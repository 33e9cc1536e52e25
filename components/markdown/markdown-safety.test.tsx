// @vitest-environment happy-dom
import { act } from "react";
import { describe, expect, it } from "vitest";
import { urlScheme } from "@/lib/markdown/safe-url";
import { mount } from "./dom-test-utils";
import { Markdown } from "./markdown";

const hostile = [
  "[a](javascript:alert(1))",
  "[b](JaVaScRiPt:alert(1))",
  "[c](&#106;avascript:alert(1))",
  "[d](&#x6A;&#x61;vascript&colon;alert(1))",
  "[e](<java\tscript:alert(1)>)",
  "[f](java&#09;script:alert(1))",
  "[g](vbscript:msgbox(1))",
  "[h](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "<javascript:alert(1)>",
  "[i][ref]\n\n[ref]: javascript:alert(1)",
  "![j](javascript:alert(1))",
  "![k](data:image/svg+xml;base64,PHN2Zz4=)",
].join("\n\n");

function render(text: string, streaming = false) {
  return mount(<Markdown text={text} streaming={streaming} />).container;
}

describe("safety", () => {
  it.each([false, true])(
    "neutralises javascript:, vbscript: and data: URLs, however written (streaming %s)",
    (streaming) => {
      const container = render(hostile, streaming);
      const urls = [...container.querySelectorAll("[href], [src]")].map(
        (el) => el.getAttribute("href") ?? el.getAttribute("src")!,
      );
      for (const url of urls) expect(["http", "https", "mailto", null]).toContain(urlScheme(url));
      expect(container.querySelectorAll("a").length).toBeGreaterThanOrEqual(9);
      expect(container.querySelectorAll("img").length).toBe(0);
    },
  );

  it("opens external links in a new tab without opener or referrer", () => {
    const container = render("[ext](https://example.com/x) and [inner](#section) and www.example.org");
    const [external, inner, autolink] = container.querySelectorAll("a");
    expect(external?.getAttribute("target")).toBe("_blank");
    expect(external?.getAttribute("rel")).toBe("noopener noreferrer");
    expect(inner?.hasAttribute("target")).toBe(false);
    expect(autolink?.getAttribute("rel")).toBe("noopener noreferrer");
  });

  it("shows raw HTML as text: no script, no img with onerror", () => {
    const container = render(
      '<script>alert(1)</script>\n\nHi <img src=x onerror="alert(1)"> there\n\n<div onclick="x()">d</div>',
    );
    expect(container.querySelector("script, img, [onerror], [onclick]")).toBeNull();
    expect(container.textContent).toContain("<script>alert(1)</script>");
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
  });

  it("does not load a remote image until it is clicked, then loads it without a referrer", () => {
    const container = render("![架构图](https://cdn.example.com/a.png)");
    expect(container.querySelector("img")).toBeNull();
    const button = container.querySelector<HTMLButtonElement>('[data-slot="image-placeholder"]');
    expect(button?.textContent).toContain("加载图片");
    expect(button?.textContent).toContain("架构图");
    expect(button?.textContent).toContain("cdn.example.com");
    act(() => button!.click());
    const img = container.querySelector("img");
    expect(img?.getAttribute("src")).toBe("https://cdn.example.com/a.png");
    expect(img?.getAttribute("referrerpolicy")).toBe("no-referrer");
  });
});

describe("code blocks", () => {
  it("labels the language and offers a copy button that confirms", async () => {
    const container = render("```python\nprint('你好')\n```");
    expect(container.querySelector(".markdown-code-language")?.textContent).toBe("python");
    const copied: string[] = [];
    Object.defineProperty(navigator, "clipboard", {
      value: { writeText: async (text: string) => void copied.push(text) },
      configurable: true,
    });
    const button = container.querySelector<HTMLButtonElement>('[data-slot="copy-button"]')!;
    expect(button.textContent).toBe("复制");
    await act(async () => button.click());
    expect(copied).toEqual(["print('你好')"]);
    expect(button.textContent).toBe("已复制");
  });
});
