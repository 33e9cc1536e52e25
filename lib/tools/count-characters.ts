import { CHANNEL_LIMITS, type Channel } from "./channels";

// Counts text the way Chinese staff mean it: CJK characters one by one, Latin text in words,
// an emoji (even a family of several code points) as one character.

export interface CharacterCount {
  /** User-perceived characters (grapheme clusters), spaces and line breaks included. */
  characters: number;
  /** The same without whitespace. */
  charactersNoSpaces: number;
  /** Han characters, kana and hangul. */
  cjk: number;
  /** Runs of Latin letters or digits (don't, e-mail and 3.5 count as one each). */
  words: number;
  emoji: number;
  /** CJK and full-width punctuation (，。！？、…). */
  cjkPunctuation: number;
  lines: number;
  /** UTF-8 size, what byte-limited channels (企业微信) count. */
  bytes: number;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const CJK_PUNCT =
  /[\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2026\u201c\u201d\u2018\u2019]/u;
const WORD = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\d]+(?:['’.\-][\p{Script=Latin}\d]+)*/gu;

// Joins what a reader sees as one character: combining marks, variation selectors, skin tones,
// keycaps, tags, ZWJ sequences and flag pairs. (Intl.Segmenter does this too, but takes seconds on
// long texts in Node 20.)
const EXTEND = /[\p{M}\u200d\ufe0e\ufe0f\u20e3\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]/u;
const REGIONAL = /\p{Regional_Indicator}/u;

export function graphemes(text: string): string[] {
  const out: string[] = [];
  let joinNext = false;
  for (const cp of text) {
    const last = out.length - 1;
    if (last >= 0 && (joinNext || EXTEND.test(cp))) {
      out[last] += cp;
    } else if (last >= 0 && REGIONAL.test(cp) && /^\p{Regional_Indicator}$/u.test(out[last]!)) {
      out[last] += cp;
    } else if (cp === "\n" && out[last] === "\r") {
      out[last] += cp;
    } else {
      out.push(cp);
    }
    joinNext = cp === "\u200d";
  }
  return out;
}

export function countCharacters(text: string): CharacterCount {
  let characters = 0;
  let whitespace = 0;
  let cjk = 0;
  let emoji = 0;
  let cjkPunctuation = 0;
  for (const segment of graphemes(text)) {
    characters++;
    if (/^\s+$/u.test(segment)) whitespace++;
    else if (EMOJI.test(segment)) emoji++;
    else if (CJK.test(segment)) cjk++;
    else if (CJK_PUNCT.test(segment)) cjkPunctuation++;
  }
  return {
    characters,
    charactersNoSpaces: characters - whitespace,
    cjk,
    words: text.match(WORD)?.length ?? 0,
    emoji,
    cjkPunctuation,
    lines: text === "" ? 0 : text.split(/\r\n|\r|\n/).length,
    bytes: new TextEncoder().encode(text).length,
  };
}

export interface ChannelFit {
  channel: Channel;
  limit: number | null;
  unit: "bytes" | "chars";
  used: number;
  /** What the limit leaves (negative: over by that much); null when the channel has no limit. */
  remaining: number | null;
  fits: boolean;
}

/** How the text measures against a channel's limit. */
export function channelFit(text: string, channel: Channel, count = countCharacters(text)): ChannelFit {
  const { limit, unit } = CHANNEL_LIMITS[channel];
  const used = unit === "bytes" ? count.bytes : count.characters;
  const remaining = limit === null ? null : limit - used;
  return { channel, limit, unit, used, remaining, fits: remaining === null || remaining >= 0 };
}
