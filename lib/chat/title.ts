import type { WireMessage } from "@/lib/gateway/wire";

// Conversation titles: asked of the model once, after the first reply, in the conversation's
// language — at most 12 characters in Chinese, at most 6 words otherwise. Pure helpers; the
// gateway call lives in title-job.ts.

export type TitleLanguage = "zh" | "en";

export const MAX_ZH_TITLE_CHARS = 12;
export const MAX_EN_TITLE_WORDS = 6;
const MAX_SOURCE_CHARS = 1200;

const HAN = /\p{Script=Han}/gu;

/** Chinese when a fair share of the letters are Han characters. */
export function titleLanguage(text: string): TitleLanguage {
  const han = text.match(HAN)?.length ?? 0;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return han > 0 && han >= letters * 0.3 ? "zh" : "en";
}

export const TITLE_SYSTEM_PROMPT: Record<TitleLanguage, string> = {
  zh: `你是对话标题生成器。请用中文为下面这段对话起一个标题，不超过 ${MAX_ZH_TITLE_CHARS} 个字。只输出标题本身，不要引号、句末标点或任何解释。`,
  en: `You write conversation titles. Give the conversation below a title of at most ${MAX_EN_TITLE_WORDS} words, in the language of the user's message. Reply with the title only: no quotes, no closing punctuation, no explanation.`,
};

const TITLE_REQUEST: Record<TitleLanguage, string> = {
  zh: "请为以上对话起标题。",
  en: "Write the title for this conversation.",
};

function clip(text: string, max = MAX_SOURCE_CHARS): string {
  const chars = [...text.trim()];
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
}

/** The messages of a title request: the instruction, the first exchange (clipped), the ask. */
export function titleMessages(question: string, answer: string): WireMessage[] {
  const language = titleLanguage(question);
  const messages: WireMessage[] = [
    { role: "system", content: TITLE_SYSTEM_PROMPT[language] },
    { role: "user", content: clip(question) },
  ];
  if (answer.trim()) messages.push({ role: "assistant", content: clip(answer) });
  messages.push({ role: "user", content: TITLE_REQUEST[language] });
  return messages;
}

const QUOTES = /["'“”‘’「」『』《》〈〉`*#]/g;
const TRAILING_PUNCTUATION = /[\s.,;:!?。，、；：！？…·\-—]+$/u;
const LABEL = /^(标题|题目|title)\s*[:：]\s*/i;

/** The model's answer made into a title: first line, no label or quotes, within the length. */
export function cleanTitle(raw: string, language: TitleLanguage): string {
  const line =
    raw
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? "";
  const text = line.replace(LABEL, "").replace(QUOTES, "").replace(TRAILING_PUNCTUATION, "").trim();
  return shorten(text, language);
}

/** Cuts a title to the limit of its language. */
export function shorten(text: string, language: TitleLanguage): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (language === "zh" || titleLanguage(flat) === "zh") {
    return [...flat.replace(/\s+/g, "")].slice(0, MAX_ZH_TITLE_CHARS).join("");
  }
  return flat.split(" ").slice(0, MAX_EN_TITLE_WORDS).join(" ");
}

/** When the model gives nothing usable: the question itself, shortened. */
export function fallbackTitle(question: string): string {
  const language = titleLanguage(question);
  return shorten(question.replace(QUOTES, "").replace(TRAILING_PUNCTUATION, ""), language);
}

/** Whether a gateway request is a title request (the simulator answers those with a short title). */
export function isTitleRequest(messages: readonly { role: string; content?: unknown }[]): boolean {
  const system = messages[0];
  return (
    system?.role === "system" &&
    (system.content === TITLE_SYSTEM_PROMPT.zh || system.content === TITLE_SYSTEM_PROMPT.en)
  );
}
