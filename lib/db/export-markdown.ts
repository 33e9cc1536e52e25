import type { Locale } from "@/lib/errors";
import { formatShanghai } from "./day";
import type { Conversation } from "./queries/conversations";
import type { MessagePart, StoredMessage } from "./queries/messages";

// A conversation as a Markdown file: a pure function over the loaded rows (no database access).

const LABELS = {
  "zh-CN": {
    untitled: "未命名对话",
    model: "模型",
    created: "创建于",
    user: "用户",
    assistant: "助手",
    system: "系统",
    reasoning: "思考过程",
    interrupted: "回答在生成途中中断，以上为已收到的部分。",
    error: "回答出错",
    streaming: "回答仍在生成中，以上为导出时已收到的部分。",
    timezone: "北京时间",
  },
  en: {
    untitled: "Untitled chat",
    model: "Model",
    created: "Created",
    user: "You",
    assistant: "Assistant",
    system: "System",
    reasoning: "Reasoning",
    interrupted: "The answer was interrupted; the part above is what arrived.",
    error: "The answer failed",
    streaming: "The answer was still being written; the part above is what had arrived.",
    timezone: "Beijing time",
  },
} as const satisfies Record<Locale, Record<string, string>>;

function quote(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `> ${line}` : ">"))
    .join("\n");
}

function partMarkdown(part: MessagePart, label: (typeof LABELS)[Locale]): string | undefined {
  switch (part.type) {
    case "text":
      return part.text.trim() || undefined;
    case "reasoning":
      return part.text.trim() ? `${quote(`**${label.reasoning}**\n\n${part.text.trim()}`)}` : undefined;
    case "file":
      return part.mediaType.startsWith("image/")
        ? `![${part.filename ?? "image"}](${part.url.startsWith("data:") ? "" : part.url})`
        : `[${part.filename ?? part.mediaType}](${part.url.startsWith("data:") ? "" : part.url})`;
    default:
      return undefined;
  }
}

export function conversationMarkdown(
  conversation: Conversation,
  messages: readonly StoredMessage[],
  locale: Locale = "zh-CN",
): string {
  const label = LABELS[locale];
  const out: string[] = [
    `# ${conversation.title.trim() || label.untitled}`,
    "",
    `- ${label.model}: ${conversation.model}`,
    `- ${label.created}: ${formatShanghai(conversation.createdAt)} (${label.timezone})`,
  ];
  for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
    const who = message.role === "assistant" ? label.assistant : message.role === "user" ? label.user : label.system;
    const model = message.role === "assistant" && message.metadata.model ? ` (${message.metadata.model})` : "";
    out.push("", "---", "", `## ${who}${model} · ${formatShanghai(message.createdAt)}`);
    const body = message.parts.map((p) => partMarkdown(p, label)).filter((s): s is string => s !== undefined);
    if (body.length === 0 && message.text.trim()) body.push(message.text.trim());
    for (const block of body) out.push("", block);
    const note =
      message.status === "interrupted"
        ? label.interrupted
        : message.status === "error"
          ? `${label.error}${message.metadata.error ? `: ${message.metadata.error.message[locale]}` : ""}`
          : message.status === "streaming"
            ? label.streaming
            : undefined;
    if (note) out.push("", `> ⚠️ ${note}`);
  }
  return `${out.join("\n")}\n`;
}

/** A safe download name: the title without path or control characters, then .md. */
export function markdownFileName(conversation: Conversation, locale: Locale = "zh-CN"): string {
  const title = conversation.title.trim() || LABELS[locale].untitled;
  const safe = title
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);
  return `${safe || "chat"}.md`;
}
