import type { WireMessage } from "@/lib/gateway/wire";
import { CHANNEL_LIMITS } from "@/lib/tools/channels";
import { calendarContext, chineseDate, chineseDateTime } from "./dates";
import type { AnnouncementForm } from "./form";
import { KIND_SPECS, LENGTH_ZH, TONE_ZH } from "./kinds";
import { ANNOUNCEMENT_JSON_SHAPE, type Announcement } from "./schema";

// The messages for a first draft, a revision and a repair. The model answers in JSON mode.

export function systemPrompt(form: AnnouncementForm, now = new Date()): string {
  const english = form.language === "en";
  return [
    "你是一名资深的企业行政与内部沟通写作专家，为公司员工撰写可直接发布的正式公告。",
    calendarContext(now),
    "只输出一个 JSON 对象，不要输出任何其他文字，结构如下：",
    ANNOUNCEMENT_JSON_SHAPE,
    "要求：",
    `- 文体：${KIND_SPECS[form.kind].zh}；语气：${TONE_ZH[form.tone]}；篇幅：${LENGTH_ZH[form.length]}。`,
    `- 主要发布渠道：${CHANNEL_LIMITS[form.channel].zh}。`,
    english
      ? "- Write title, summary, body and variants in English; signoff.date stays in the form 2026年11月27日 unless the body is English, then use November 27, 2026."
      : "- 使用简体中文，符合中文公文习惯：标题居中式表述（如“关于……的通知”），正文开头可用“各位同事：”。",
    "- 正文不要包含标题和落款（它们分别放在 title 与 signoff 中）。",
    "- 只使用表单提供的事实，不要编造人名、数字、链接；缺少的信息不写或写成待补充的【】占位。",
    "- signoff.issuer 用表单中的发文部门；signoff.date 写今天的日期（以上面的“今天”为准）。",
  ].join("\n");
}

export function formMessage(form: AnnouncementForm): string {
  const spec = KIND_SPECS[form.kind];
  const lines = [`公告类型：${spec.zh}`, `发文部门：${form.department.trim()}`];
  for (const f of spec.fields) {
    const value = (form.fields[f.id] ?? "").trim();
    if (!value) continue;
    const shown = f.type === "date" ? chineseDate(value) : f.type === "datetime" ? chineseDateTime(value) : value;
    lines.push(f.type === "textarea" ? `${f.zh}：\n${shown}` : `${f.zh}：${shown}`);
  }
  return `请根据以下信息撰写公告：\n${lines.join("\n")}`;
}

export function draftMessages(form: AnnouncementForm, now = new Date()): WireMessage[] {
  return [
    { role: "system", content: systemPrompt(form, now) },
    { role: "user", content: formMessage(form) },
  ];
}

/** A revision keeps the structure: the previous version goes back as the model's own answer. */
export function revisionMessages(
  form: AnnouncementForm,
  previous: Announcement,
  instruction: string,
  now = new Date(),
): WireMessage[] {
  return [
    ...draftMessages(form, now),
    { role: "assistant", content: JSON.stringify(previous) },
    {
      role: "user",
      content: `请按以下要求修改上面的公告，保持相同的 JSON 结构与字段，输出修改后的完整 JSON：\n${instruction.trim()}`,
    },
  ];
}

/** The one repair attempt: the broken reply and what was wrong with it. */
export function repairMessages(messages: WireMessage[], badReply: string, problem: string): WireMessage[] {
  return [
    ...messages,
    { role: "assistant", content: badReply.slice(0, 20_000) || "（空）" },
    {
      role: "user",
      content: `你上面的输出不是符合要求的 JSON（${problem}）。请只输出修正后的完整 JSON 对象，结构与字段严格按系统提示，不要任何其他文字。`,
    },
  ];
}
