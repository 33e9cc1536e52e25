import { describe, expect, it } from "vitest";
import { markdownToPlainText } from "./plain-text";

describe("markdownToPlainText", () => {
  it("removes heading, emphasis and quote marks", () => {
    expect(markdownToPlainText("## 新品发布\n\n我们**很高兴**地宣布，*新平台*上线。~~旧版~~\n> 引用")).toBe(
      "新品发布\n\n我们很高兴地宣布，新平台上线。旧版\n引用",
    );
  });

  it("turns bullets into • and keeps numbered lists", () => {
    expect(markdownToPlainText("- 一\n* 二\n  + 三\n1. 第一")).toBe("• 一\n• 二\n  • 三\n1. 第一");
    expect(markdownToPlainText("- [x] 完成\n- [ ] 待办")).toBe("☑ 完成\n☐ 待办");
  });

  it("keeps code verbatim, without the fences", () => {
    const md = "看代码：\n\n```ts\nconst a = **b** * c; // _x_\n```\n\n行内 `a_b` 代码";
    expect(markdownToPlainText(md)).toBe("看代码：\n\nconst a = **b** * c; // _x_\n\n行内 a_b 代码");
  });

  it("writes links as text (url) and images as their alt text", () => {
    expect(markdownToPlainText("见[文档](https://example.com/a)和 ![图](x.png)")).toBe(
      "见文档 (https://example.com/a)和 图",
    );
    expect(markdownToPlainText("[https://a.cn](https://a.cn)")).toBe("https://a.cn");
  });

  it("turns tables into tab-separated rows", () => {
    const md = "| 名称 | 数量 |\n| --- | :---: |\n| 苹果 | 3 |";
    expect(markdownToPlainText(md)).toBe("名称\t数量\n苹果\t3");
  });

  it("drops display-math fences and rules, and leaves snake_case and 2*3*4 alone", () => {
    expect(markdownToPlainText("$$\nE = mc^2\n$$\n\n---\n\nsnake_case_name 与 2*3*4")).toBe(
      "E = mc^2\n\nsnake_case_name 与 2*3*4",
    );
  });

  it("unescapes Markdown escapes", () => {
    expect(markdownToPlainText("价格 \\*特价\\* 1\\.5")).toBe("价格 *特价* 1.5");
  });
});
