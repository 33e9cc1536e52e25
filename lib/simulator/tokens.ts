// Token estimates (Zhipu's rule of thumb) and the splitter that cuts replies into stream-sized pieces.
import type { WireMessage, WireTool } from "../gateway/wire";
import type { ImageInfo } from "./image-info";

const CJK_RE = /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/;
const CJK_G = new RegExp(CJK_RE.source, "g");
const WORD_G = /[A-Za-z0-9_]+/g;

/** ~1.5 CJK characters or ~0.75 English words per token; symbols count a little. Fractional on purpose. */
export function tokenCost(text: string): number {
  if (!text) return 0;
  const cjk = text.match(CJK_G)?.length ?? 0;
  const words = text.match(WORD_G)?.length ?? 0;
  const symbols = text.replace(CJK_G, "").replace(WORD_G, "").replace(/\s+/g, "").length;
  return cjk / 1.5 + words / 0.75 + symbols * 0.3;
}

export function estimateTokens(text: string): number {
  return Math.ceil(tokenCost(text));
}

/** Vision tokens scale with area (28×28 px patches), capped like the real models do. */
export function imageTokens(info: Pick<ImageInfo, "width" | "height"> | null): number {
  if (!info) return 256;
  return Math.min(1600, Math.max(64, Math.ceil((info.width * info.height) / 784)));
}

export interface PromptEstimate {
  promptTokens: number;
  cachedTokens: number;
}

/** Whole-prompt estimate; the prefix before the last message counts as cached once a prior answer exists. */
export function estimatePrompt(
  messages: WireMessage[],
  tools: WireTool[] | undefined,
  images: Array<ImageInfo | null>,
): PromptEstimate {
  let imageIdx = 0;
  const perMessage = messages.map((m) => {
    let t = 4;
    if (typeof m.content === "string") t += tokenCost(m.content);
    else if (Array.isArray(m.content)) {
      for (const part of m.content) {
        if (part.type === "text") t += tokenCost(part.text);
        else t += imageTokens(images[imageIdx++] ?? null);
      }
    }
    if (m.role === "assistant" && m.tool_calls) t += tokenCost(JSON.stringify(m.tool_calls));
    return t;
  });
  const toolTokens = tools?.length ? JSON.stringify(tools).length / 4 : 0;
  const total = Math.ceil(3 + toolTokens + perMessage.reduce((a, b) => a + b, 0));
  const hasPriorTurn = messages.some((m) => m.role === "assistant");
  const prefix = hasPriorTurn ? 3 + toolTokens + perMessage.slice(0, -1).reduce((a, b) => a + b, 0) : 0;
  return { promptTokens: total, cachedTokens: Math.min(total, Math.floor(prefix)) };
}

/**
 * Cuts text into stream pieces: 1–3 CJK characters, or one word with its trailing space;
 * punctuation and whitespace ride along with the piece before them.
 */
export function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  let cur = "";
  let cjkInCur = 0;
  let want = 2;
  let n = 0;
  const flush = () => {
    if (cur) pieces.push(cur);
    cur = "";
    cjkInCur = 0;
    // A fixed 2,1,3,2,2,1,… cycle looks natural and keeps the output deterministic.
    want = [2, 1, 3, 2, 2, 1, 3][n++ % 7] ?? 2;
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (CJK_RE.test(ch) && !/[\u3000-\u303f\uff00-\uffef]/.test(ch)) {
      if (cjkInCur >= want || (cur && cjkInCur === 0)) flush();
      cur += ch;
      cjkInCur++;
      i++;
    } else if (/[A-Za-z0-9_]/.test(ch)) {
      if (cur) flush();
      let j = i;
      while (j < text.length && /[A-Za-z0-9_'.-]/.test(text[j] ?? "")) j++;
      while (j < text.length && text[j] === " ") j++;
      cur = text.slice(i, j);
      flush();
      i = j;
    } else {
      // Punctuation, full-width punctuation, whitespace and symbols attach to the current piece.
      const last = pieces[pieces.length - 1];
      if (!cur && last !== undefined && !last.endsWith("\n")) pieces[pieces.length - 1] = last + ch;
      else cur += ch;
      i++;
    }
  }
  if (cur) pieces.push(cur);
  return pieces;
}
