import { z } from "zod";
import { CHANNEL_LIMITS } from "@/lib/tools/channels";
import type { AnnouncementForm } from "./form";
import { KIND_SPECS } from "./kinds";

// What the model must return (JSON mode), validated with zod. A reply that does not parse gets one
// repair attempt; after that a readable fallback is built from whatever came, never a crash.

export const announcementSchema = z.object({
  title: z.string().trim().min(1).max(120),
  summary: z.string().trim().max(400).default(""),
  /** Markdown: headings, lists and bold survive the exports. */
  body: z.string().trim().min(1).max(20_000),
  signoff: z.object({
    issuer: z.string().trim().min(1).max(100),
    /** The Chinese way: 2026年11月27日. */
    date: z.string().trim().min(1).max(40),
  }),
  variants: z
    .object({
      /** A plain 企业微信 text message within its 2048-byte limit. */
      wecom: z.string().trim().max(4000).default(""),
      dingtalk: z.string().trim().max(10_000).default(""),
      feishu: z.string().trim().max(10_000).default(""),
      emailSubject: z.string().trim().max(200).default(""),
    })
    .default({ wecom: "", dingtalk: "", feishu: "", emailSubject: "" }),
});
export type Announcement = z.infer<typeof announcementSchema>;

/** The shape the prompt shows the model. */
export const ANNOUNCEMENT_JSON_SHAPE = `{
  "title": "公告标题",
  "summary": "一句话摘要（60字以内）",
  "body": "正文，Markdown 格式：可用 ## 小标题、- 列表、**加粗**；不要重复标题和落款",
  "signoff": { "issuer": "发文单位", "date": "2026年11月27日" },
  "variants": {
    "wecom": "企业微信纯文本版（不超过 ${Math.floor((CHANNEL_LIMITS.wecom.limit ?? 2048) / 3)} 个汉字，不用 Markdown）",
    "dingtalk": "钉钉版（可用简单 Markdown）",
    "feishu": "飞书版（可用简单 Markdown）",
    "emailSubject": "邮件主题（${CHANNEL_LIMITS.email.limit} 字以内）"
  }
}`;

export type ParseResult = { ok: true; value: Announcement } | { ok: false; error: string };

/** Reads a model reply as an announcement: the JSON object (fences or chatter around it tolerated), then the schema. */
export function parseAnnouncement(text: string): ParseResult {
  const json = extractJsonObject(text);
  if (json === undefined) return { ok: false, error: "回复中没有 JSON 对象" };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { ok: false, error: `JSON 语法错误：${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = announcementSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(根)"}: ${i.message}`);
    return { ok: false, error: `字段不符合要求：${issues.join("；")}` };
  }
  return { ok: true, value: parsed.data };
}

/** The outermost {...} of a reply (JSON mode should give only that, but models wrap it in ```json fences). */
export function extractJsonObject(text: string): string | undefined {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  return start >= 0 && end > start ? text.slice(start, end + 1) : undefined;
}

/**
 * The readable last resort after a failed repair: whatever fields the reply did carry, the rest
 * from the form (a title from the kind, the department and today's date as the sign-off), and the
 * reply's own text as the body when nothing better came.
 */
export function fallbackAnnouncement(
  form: AnnouncementForm,
  partial: unknown,
  raw: string,
  todayChinese: string,
): Announcement {
  const p = (partial && typeof partial === "object" ? partial : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const signoff = (p.signoff && typeof p.signoff === "object" ? p.signoff : {}) as Record<string, unknown>;
  const subject = KIND_SPECS[form.kind].fields[0];
  const named = subject?.type === "text" ? (form.fields[subject.id] ?? "").trim() : "";
  const title = str(p.title) || (named ? `关于${named}的${KIND_SPECS[form.kind].zh}` : KIND_SPECS[form.kind].zh);
  const body =
    str(p.body) ||
    raw
      .replace(/```(?:json)?/g, "")
      .trim()
      .slice(0, 20_000) ||
    "（模型没有返回可用的正文，请重新生成。）";
  return {
    title: title.slice(0, 120),
    summary: str(p.summary).slice(0, 400),
    body,
    signoff: {
      issuer: (str(signoff.issuer) || form.department.trim() || "发文单位").slice(0, 100),
      date: (str(signoff.date) || todayChinese).slice(0, 40),
    },
    variants: { wecom: "", dingtalk: "", feishu: "", emailSubject: title.slice(0, 60) },
  };
}
