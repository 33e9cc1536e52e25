import { describe, expect, it } from "vitest";
import { emptyForm } from "./form";
import { VALID_ANNOUNCEMENT as VALID } from "./fixtures";
import { fallbackAnnouncement, parseAnnouncement } from "./schema";

describe("parseAnnouncement", () => {
  it("accepts a valid reply", () => {
    expect(parseAnnouncement(JSON.stringify(VALID))).toEqual({ ok: true, value: VALID });
  });

  it("tolerates ```json fences and chatter around the object", () => {
    expect(parseAnnouncement(`好的：\n\`\`\`json\n${JSON.stringify(VALID)}\n\`\`\``)).toMatchObject({ ok: true });
  });

  it("fills optional parts with defaults", () => {
    const minimal: Record<string, unknown> = { ...VALID };
    delete minimal.summary;
    delete minimal.variants;
    const result = parseAnnouncement(JSON.stringify(minimal));
    expect(result).toMatchObject({ ok: true, value: { summary: "", variants: { wecom: "", emailSubject: "" } } });
  });

  it.each([
    ["not JSON at all", "抱歉，我无法完成。", /没有 JSON/],
    ["broken JSON", '{"title": "通知", "body": ', /没有 JSON|语法/],
    ["trailing comma", '{"title":"通知",}', /语法/],
    ["a missing body", JSON.stringify({ ...VALID, body: undefined }), /body/],
    ["an empty title", JSON.stringify({ ...VALID, title: "  " }), /title/],
    ["a sign-off without a date", JSON.stringify({ ...VALID, signoff: { issuer: "行政部" } }), /signoff\.date/],
  ])("refuses %s with a reason the repair prompt can quote", (_name, text, reason) => {
    const result = parseAnnouncement(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(reason);
  });
});

describe("fallbackAnnouncement", () => {
  const form = { ...emptyForm("maintenance"), department: "信息技术部", fields: { systems: "OA" } };

  it("keeps the fields that came and fills the rest from the form", () => {
    const value = fallbackAnnouncement(form, { title: "OA 停机", body: "正文" }, "", "2026年11月27日");
    expect(value).toEqual({
      title: "OA 停机",
      summary: "",
      body: "正文",
      signoff: { issuer: "信息技术部", date: "2026年11月27日" },
      variants: { wecom: "", dingtalk: "", feishu: "", emailSubject: "OA 停机" },
    });
  });

  it("uses the raw reply as the body and names the kind when nothing parsed", () => {
    const value = fallbackAnnouncement(
      { ...form, kind: "product_launch", fields: { productName: "智能助手" } },
      undefined,
      "```json\n模型说了些话",
      "2026年11月27日",
    );
    expect(value.title).toBe("关于智能助手的产品发布公告");
    expect(value.body).toBe("模型说了些话");
    expect(value.signoff.issuer).toBe("信息技术部");
  });
});
