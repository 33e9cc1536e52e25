// Demo mode for the announcement studio: a JSON-mode request whose system prompt asks for a notice
// gets a valid notice built from the form lines it carries ("字段：值"), and a revision request
// gets the previous version back, changed as asked. Nothing here understands language: it only
// rearranges what the request holds, so that the studio can be tried without a model.
import type { WireChatRequest } from "../gateway/wire";
import { textOf } from "./demo-reply";

const isAnnouncementRequest = (req: WireChatRequest) =>
  /公告/.test(textOf(req.messages[0])) && /"signoff"/.test(textOf(req.messages[0]));

function formLines(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let current: [string, string] | undefined;
  for (const line of text.split("\n").slice(1)) {
    const m = /^([^：]{1,40})：(.*)$/.exec(line);
    if (m) {
      current = [m[1]!.replace(/（.*）$/, ""), m[2]!.trim()];
      pairs.push(current);
    } else if (current && line.trim()) current[1] = `${current[1]}\n${line.trim()}`.trim();
  }
  return pairs;
}

export function buildDemoAnnouncement(req: WireChatRequest): string | null {
  if (!isAnnouncementRequest(req)) return null;
  const today = /今天是 (\d{4}年\d{1,2}月\d{1,2}日)/.exec(textOf(req.messages[0]))?.[1] ?? "";
  const last = req.messages.at(-1);
  const previous = req.messages.at(-2);
  if (last?.role === "user" && previous?.role === "assistant" && /请按以下要求修改/.test(textOf(last))) {
    return revise(textOf(previous), textOf(last).split("\n").slice(1).join("\n").trim());
  }
  const pairs = formLines(textOf(req.messages.find((m) => m.role === "user")));
  const get = (key: string) => pairs.find(([k]) => k === key)?.[1] ?? "";
  const kind = get("公告类型") || "通知";
  const department = get("发文部门") || "行政部";
  const facts = pairs.filter(([k]) => k !== "公告类型" && k !== "发文部门");
  const subject = facts[0]?.[1].split("\n")[0] ?? "";
  const title = subject && subject.length <= 30 ? `关于${subject}的${kind.replace(/\/.*$/, "")}` : kind;
  const sections = facts.map(([k, v]) => {
    const lines = v.split("\n").filter(Boolean);
    return lines.length > 1 ? `## ${k}\n\n${lines.map((l) => `- ${l}`).join("\n")}` : `**${k}**：${v}`;
  });
  const body = [
    `各位同事：`,
    `现将${title.replace(/^关于/, "有关")}相关事项通知如下。`,
    ...sections,
    "特此通知。",
  ].join("\n\n");
  const plain = `【${title}】${facts.map(([k, v]) => `${k}：${v.replace(/\n/g, "；")}`).join("；")}。——${department}`;
  return JSON.stringify({
    title,
    summary: `${department}发布：${title}。`,
    body,
    signoff: { issuer: department, date: today },
    variants: { wecom: plain.slice(0, 600), dingtalk: plain, feishu: plain, emailSubject: title.slice(0, 60) },
  });
}

function revise(previousJson: string, instruction: string): string {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(previousJson) as Record<string, unknown>;
  } catch {
    return previousJson;
  }
  let body = String(value.body ?? "");
  let title = String(value.title ?? "");
  if (/正式/.test(instruction)) {
    body = body.replace(/^各位同事：/, "各部门、各位同事：");
    if (!/^关于/.test(title)) title = `关于${title}的通知`;
  }
  const limit = /(\d+)\s*字/.exec(instruction)?.[1];
  if (limit) {
    const max = Number(limit);
    const kept: string[] = [];
    for (const paragraph of body.split("\n\n")) {
      if ([...kept, paragraph].join("\n\n").length > max) break;
      kept.push(paragraph);
    }
    body = kept.join("\n\n") || body.slice(0, max);
  }
  return JSON.stringify({
    ...value,
    title,
    body,
    summary: `${String(value.summary ?? "")}（已按“${instruction}”修改）`,
  });
}
