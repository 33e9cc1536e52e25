// A cheap token estimate for the context meter, used until the gateway reports real usage.
// Rules of thumb for GLM-class tokenizers: ~1.5 CJK characters per token, ~0.75 English words per token.

export const CJK_CHARS_PER_TOKEN = 1.5;
export const WORDS_PER_TOKEN = 0.75;
/** Punctuation and symbols outside words (code, Markdown) often merge in pairs. */
export const SYMBOLS_PER_TOKEN = 2;
/** Role markers and separators the chat template adds around every message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u3000-\\u303f\\uff00-\\uffef";
// One pass: a CJK character, a run of word characters that are not CJK, or any other visible symbol.
const TOKENS_RE = new RegExp(`([${CJK}])|((?:(?![${CJK}])[\\p{L}\\p{N}_'])+)|(\\S)`, "gu");

/** Counts of what the estimate weighs; adding the counts of two pieces of text gives the count of both. */
export interface TokenTally {
  cjk: number;
  words: number;
  symbols: number;
}

export const emptyTally = (): TokenTally => ({ cjk: 0, words: 0, symbols: 0 });

/** Adds what `text` holds to `into` (and returns it). */
export function tallyText(text: string, into: TokenTally = emptyTally()): TokenTally {
  for (const match of text.matchAll(TOKENS_RE)) {
    if (match[1]) into.cjk++;
    else if (match[2]) into.words++;
    else into.symbols++;
  }
  return into;
}

export const tallyTokens = ({ cjk, words, symbols }: TokenTally): number =>
  Math.ceil(cjk / CJK_CHARS_PER_TOKEN + words / WORDS_PER_TOKEN + symbols / SYMBOLS_PER_TOKEN);

export function estimateTokens(text: string): number {
  return tallyTokens(tallyText(text));
}

/** A message as the estimate needs it: the text that goes upstream, and the usage its reply reported. */
export interface EstimateMessage {
  id: string;
  role: "user" | "assistant" | "system";
  text: string;
  usage?: { promptTokens: number; completionTokens: number };
}

export interface ConversationEstimateOptions {
  system?: string;
  /** Replies whose usage no longer describes the conversation (older turns were removed since). */
  staleUsage?: ReadonlySet<string>;
  /** Per-message estimate; the UI passes a cached one so long chats are not re-counted on every token. */
  estimate?: (message: EstimateMessage) => number;
}

export const messageTokens = (message: EstimateMessage): number =>
  estimateTokens(message.text) + MESSAGE_OVERHEAD_TOKENS;

/**
 * Tokens the conversation takes in the model's context: the latest reply's reported prompt + completion
 * when there is one (it already counts the system prompt and everything before it), plus estimates
 * of anything newer; estimates alone before the first usage arrives.
 */
export function estimateConversationTokens(
  messages: readonly EstimateMessage[],
  { system, staleUsage, estimate = messageTokens }: ConversationEstimateOptions = {},
): number {
  let anchor = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === "assistant" && message.usage && !staleUsage?.has(message.id)) {
      anchor = i;
      break;
    }
  }
  const anchorUsage = anchor >= 0 ? messages[anchor]!.usage : undefined;
  let total = anchorUsage
    ? anchorUsage.promptTokens + anchorUsage.completionTokens
    : system?.trim()
      ? estimateTokens(system) + MESSAGE_OVERHEAD_TOKENS
      : 0;
  for (const message of messages.slice(anchor + 1)) total += estimate(message);
  return total;
}

/**
 * How many leading messages to remove so the rest (plus `extra`, e.g. the draft) fits under `target`
 * tokens: whole turns only (a user message with the replies after it), oldest first.
 * Usage is ignored here: it counted the turns being removed.
 */
export function oldestTurnsToDrop(
  messages: readonly EstimateMessage[],
  {
    target,
    system,
    extra = 0,
    estimate = messageTokens,
  }: ConversationEstimateOptions & { target: number; extra?: number },
): number {
  const base = (system?.trim() ? estimateTokens(system) + MESSAGE_OVERHEAD_TOKENS : 0) + extra;
  const sizes = messages.map(estimate);
  let remaining = sizes.reduce((sum, size) => sum + size, 0);
  let drop = 0;
  while (drop < messages.length && base + remaining >= target) {
    // One turn: the message at `drop`, then everything up to the next user message.
    do {
      remaining -= sizes[drop]!;
      drop++;
    } while (drop < messages.length && messages[drop]!.role !== "user");
  }
  return drop;
}

/** Share of the context window at which the meter warns. */
export const CONTEXT_WARNING_RATIO = 0.8;

export type ContextLevel = "ok" | "warning" | "full";

/** ok below 80% of the window, warning from 80%, full (nothing more may be sent) from 100%. */
export function contextLevel(tokens: number, contextWindow: number | undefined): ContextLevel {
  if (!contextWindow) return "ok";
  if (tokens >= contextWindow) return "full";
  return tokens >= contextWindow * CONTEXT_WARNING_RATIO ? "warning" : "ok";
}
