import { emptyTally, tallyText, tallyTokens, type TokenTally } from "./token-estimate";

// A streaming reply grows by a few characters per update: counting it from the start each time costs
// the square of its length. This keeps the tally up to the last safe cut and counts only what is new.

export interface TokenCounter {
  text: string;
  /** The tally of text.slice(0, safeEnd). */
  base: TokenTally;
  /** Where a match of the estimate's pattern can never span: just after a space or a (BMP) CJK character. */
  safeEnd: number;
}

const BOUNDARY = /[\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

function lastSafeCut(text: string, from: number): number {
  for (let i = text.length - 1; i >= from; i--) if (BOUNDARY.test(text[i]!)) return i + 1;
  return from;
}

/** Tokens in `text`, reusing `previous` when `text` extends it; equal to estimateTokens(text). */
export function countTokens(text: string, previous?: TokenCounter): { tokens: number; counter: TokenCounter } {
  const extends_ = previous !== undefined && text.length >= previous.text.length && text.startsWith(previous.text);
  const from = extends_ ? previous.safeEnd : 0;
  const safeEnd = lastSafeCut(text, from);
  const base = tallyText(text.slice(from, safeEnd), extends_ ? { ...previous.base } : emptyTally());
  const total = tallyText(text.slice(safeEnd), { ...base });
  return { tokens: tallyTokens(total), counter: { text, base, safeEnd } };
}
