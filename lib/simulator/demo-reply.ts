// The unscripted demo answer: Chinese markdown that shows what the simulator received, so demo mode looks real.
import type { WireChatRequest, WireMessage, WireModel } from "../gateway/wire";
import type { ImageRef } from "./validate";

export interface DemoReply {
  reasoning: string;
  content: string;
}

type Intent = "announce" | "code" | "image" | "tool-result" | "general";

export function textOf(m: WireMessage | undefined): string {
  if (!m || m.content === null || m.content === undefined) return "";
  if (typeof m.content === "string") return m.content;
  return m.content.map((p) => (p.type === "text" ? p.text : "")).join(" ");
}

export function thinkingEnabled(req: WireChatRequest, model: WireModel): boolean {
  return model.capabilities.includes("thinking") && req.thinking?.type !== "disabled";
}

export function buildDemoReply(req: WireChatRequest, model: WireModel, images: ImageRef[]): DemoReply {
  if (asksForTitle(req)) return { reasoning: "", content: demoTitle(req) };
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  const userText = textOf(lastUser).trim();
  const quote = clip(userText, 60) || "（只有图片，没有文字）";
  const last = req.messages[req.messages.length - 1];
  const intent: Intent =
    last?.role === "tool"
      ? "tool-result"
      : /公告|发布|通知|announce|launch/i.test(userText)
        ? "announce"
        : /代码|函数|脚本|报错|正则|code|function|bug|script|typescript|python/i.test(userText)
          ? "code"
          : images.length > 0
            ? "image"
            : "general";

  const json = req.response_format?.type === "json_object";
  const reasoning =
    `用户发来 ${req.messages.length} 条消息，最后一条是「${clip(userText, 24) || "图片"}」。` +
    (json ? "要求输出 JSON 对象，我会回显收到的请求概要。" : `${INTENT_PLAN[intent]}最后附上模拟器回执。`);

  const parts: string[] = [BODY[intent](quote, last)];
  if (images.length > 0) parts.push(imageSection(images));
  if (req.tools?.length) {
    parts.push(
      `### 可用工具\n\n本次请求提供了 ${req.tools.length} 个工具：${req.tools.map((t) => `\`${t.function.name}\``).join("、")}。` +
        `真实模型可能会调用它们；演示回复不会发起工具调用（测试可通过 \`/__control/script\` 编排 tool_calls）。`,
    );
  }
  parts.push(receipt(req, model, images, quote));
  parts.push("> 这是 **ByteSpike 网关模拟器** 的演示回复，不是真实模型的输出。");
  return { reasoning, content: parts.join("\n\n") + "\n" };
}

/** JSON-mode demo: an object echoing what the simulator received. */
export function buildDemoJson(req: WireChatRequest, model: WireModel, images: ImageRef[]): string {
  const lastUser = [...req.messages].reverse().find((m) => m.role === "user");
  return JSON.stringify(
    {
      demo: true,
      note: "ByteSpike 网关模拟器的 JSON 模式演示回复",
      model: model.id,
      messages: req.messages.length,
      roles: req.messages.map((m) => m.role),
      last_user_message: clip(textOf(lastUser).trim(), 200),
      images: images.map((i) =>
        i.info
          ? { format: i.info.format, width: i.info.width, height: i.info.height, bytes: i.info.bytes }
          : { source: "https" },
      ),
      tools: (req.tools ?? []).map((t) => t.function.name),
      settings: {
        max_tokens: req.max_tokens ?? null,
        temperature: req.temperature ?? null,
        thinking: req.thinking?.type ?? null,
      },
    },
    null,
    2,
  );
}

/** A non-streamed request whose system message asks for a title (the app names its chats this way). */
export function asksForTitle(req: WireChatRequest): boolean {
  const system = req.messages.find((m) => m.role === "system");
  return req.stream !== true && /标题|\btitle\b/i.test(textOf(system));
}

/** A short title from the first question: its first 10 characters in Chinese, else its first 5 words. */
function demoTitle(req: WireChatRequest): string {
  const question = textOf(req.messages.find((m) => m.role === "user")).trim();
  if (/\p{Script=Han}/u.test(question)) {
    return [...question.replace(/[\s\p{P}]+/gu, "")].slice(0, 10).join("") || "新对话";
  }
  const words = question
    .replace(/[^\p{L}\p{N}\s'-]+/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  return words.slice(0, 5).join(" ") || "New chat";
}

const INTENT_PLAN: Record<Intent, string> = {
  announce: "这是一份产品发布公告的写作请求，需要标题、正文要点和落款。",
  code: "这是一个编程相关的问题，应该给出一段简短的示例代码并解释要点。",
  image: "消息里带了图片，我应该说明收到的图片类型和尺寸。",
  "tool-result": "上一条是工具返回的结果，我需要基于结果继续回答。",
  general: "我先概括问题，再分点给出回答。",
};

const BODY: Record<Intent, (quote: string, last: WireMessage | undefined) => string> = {
  announce: () =>
    [
      "## 产品发布公告（草稿）",
      "**智能对话助手正式上线**",
      "各位同事：",
      "我们很高兴地宣布，全新的智能对话助手已于【发布日期】正式上线。它支持中文多轮对话、图片理解和结构化输出，帮助大家更快地完成写作、分析与编程工作。",
      "- **上线时间**：【发布日期】起全员可用\n- **主要亮点**：流式回复、思考过程可见、一键停止与重试\n- **使用方式**：登录内部门户，点击「新建对话」即可开始",
      "如有任何问题或建议，欢迎联系产品团队。\n\n产品团队\n【发布日期】",
    ].join("\n\n"),
  code: (quote) =>
    [
      "## 示例代码",
      `针对「${quote}」，下面是一段演示用的 TypeScript：`,
      "```ts\n// 演示代码：模拟器并不真正理解需求\nexport function greet(name: string): string {\n  return `你好，${name}！`;\n}\n```",
      "要点：\n\n1. 函数保持纯粹，便于测试；\n2. 类型标注让调用方一目了然；\n3. 真实模型会根据你的具体需求给出完整实现。",
    ].join("\n\n"),
  image: (quote) =>
    `## 图片概览\n\n> ${quote}\n\n我收到了你发送的图片。真实模型会描述图片内容；模拟器只读取文件头，下面列出类型与尺寸。`,
  "tool-result": (_quote, last) =>
    [
      "## 工具结果",
      `已收到工具调用 \`${last?.role === "tool" ? last.tool_call_id : "?"}\` 的返回（${textOf(last).length} 字）：`,
      `> ${clip(textOf(last).trim(), 80) || "（空）"}`,
      "根据这个结果，真实模型会继续完成你的请求。",
    ].join("\n\n"),
  general: (quote) =>
    [
      "## 收到你的消息",
      `> ${quote}`,
      "这是演示模式下的模拟回答。一个真实的回答通常会：\n\n1. **复述问题**，确认理解无误；\n2. **分点作答**，先结论后细节；\n3. **给出下一步**，例如示例或参考资料。",
    ].join("\n\n"),
};

function imageSection(images: ImageRef[]): string {
  const rows = images.map((img) =>
    img.info
      ? `${img.n}. ${img.info.format.toUpperCase()}，${img.info.width}×${img.info.height} 像素，${kb(img.info.bytes)}`
      : `${img.n}. https 链接（模拟器不下载，尺寸未知）`,
  );
  return `### 图片\n\n收到 ${images.length} 张图片：\n\n${rows.join("\n")}`;
}

function receipt(req: WireChatRequest, model: WireModel, images: ImageRef[], quote: string): string {
  const count = (role: string) => req.messages.filter((m) => m.role === role).length;
  const roles = [
    ["system", "系统"],
    ["user", "用户"],
    ["assistant", "助手"],
    ["tool", "工具"],
  ]
    .filter(([r]) => count(r ?? "") > 0)
    .map(([r, zh]) => `${zh} ${count(r ?? "")}`)
    .join(" / ");
  const thinking = !model.capabilities.includes("thinking")
    ? "不支持"
    : req.thinking?.type === "disabled"
      ? "关闭"
      : "开启";
  const settings = [
    `max_tokens=${req.max_tokens ?? `默认(${model.max_output_tokens})`}`,
    `temperature=${req.temperature ?? "默认(1.0)"}`,
    `思考=${thinking}`,
    `流式=${req.stream ? "是" : "否"}`,
  ].join(" · ");
  const imageCell = images.length
    ? images
        .map((i) => (i.info ? `${i.info.format.toUpperCase()} ${i.info.width}×${i.info.height}` : "https 链接"))
        .join("，")
    : "无";
  const rows: Array<[string, string]> = [
    ["模型", `\`${model.id}\``],
    ["消息数", `${req.messages.length} 条（${roles}）`],
    ["最后一条用户消息", `“${quote}”`],
    ["图片", imageCell],
    ["工具", req.tools?.length ? req.tools.map((t) => `\`${t.function.name}\``).join("、") : "无"],
    ["设置", settings],
  ];
  return `### 模拟器回执\n\n| 项目 | 内容 |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${cell(v)} |`).join("\n")}`;
}

function clip(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
function kb(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}
