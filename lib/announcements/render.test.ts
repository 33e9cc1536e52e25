import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { noticeDocx } from "./docx";
import { VALID_ANNOUNCEMENT } from "./fixtures";
import { markdownToHtml, noticeHtml, noticeMarkdown, noticePlainText } from "./render";

describe("notice exports", () => {
  it("writes pasteable HTML with the headings, lists and bold kept", () => {
    const html = noticeHtml(VALID_ANNOUNCEMENT);
    expect(html).toMatch(/^<h1 style="text-align:center[^"]*">关于OA系统停机维护的通知<\/h1>/);
    expect(html).toContain(">维护时间</h2>");
    expect(html).toMatch(/<ul[^>]*><li[^>]*>2026年11月28日 22:00 至 11月29日 02:00<\/li><\/ul>/);
    expect(html).toContain("<strong>无法登录</strong>");
    expect(html).toMatch(/text-align:right[^>]*>信息技术部<\/p>/);
    expect(html).toMatch(/text-align:right[^>]*>2026年11月27日<\/p>/);
  });

  it("escapes text and drops unsafe links", () => {
    expect(markdownToHtml("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(markdownToHtml("a & [点我](javascript:alert(1))")).toBe(
      '<p style="margin:0 0 10px;line-height:1.75">a &amp; 点我</p>',
    );
    expect(markdownToHtml("1. 一\n2. 二")).toMatch(/^<ol[^>]*><li[^>]*>一<\/li><li[^>]*>二<\/li><\/ol>$/);
  });

  it("writes Markdown and plain text with the title first and the sign-off last", () => {
    expect(noticeMarkdown(VALID_ANNOUNCEMENT)).toMatch(
      /^# 关于OA系统停机维护的通知\n\n各位同事：[\s\S]*信息技术部\n2026年11月27日\n$/,
    );
    const plain = noticePlainText(VALID_ANNOUNCEMENT);
    expect(plain).not.toMatch(/[#*]/);
    expect(plain).toContain("期间 无法登录 OA。");
  });

  it("builds a .docx whose document.xml holds the title, headings and sign-off", async () => {
    const files = unzipSync(new Uint8Array(await noticeDocx(VALID_ANNOUNCEMENT)));
    const xml = strFromU8(files["word/document.xml"]!);
    expect(xml).toContain("关于OA系统停机维护的通知");
    expect(xml).toContain("维护时间");
    expect(xml).toContain('w:jc w:val="center"');
    expect(xml).toContain('w:jc w:val="right"');
    expect(xml).toContain("信息技术部");
  });
});
