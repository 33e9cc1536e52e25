import remarkMath from "remark-math";
import type { Code, Construct, Effects, Extension, State, Token, TokenizeContext } from "micromark-util-types";
import type { Processor } from "unified";

// The token types micromark-extension-math (remark-math's syntax) declares.
declare module "micromark-util-types" {
  interface TokenTypeMap {
    mathText: "mathText";
    mathTextData: "mathTextData";
    mathTextSequence: "mathTextSequence";
  }
}

// Character codes as micromark passes them: line endings, tabs and virtual spaces are negative, the end is null.
const DOLLAR = 36;
const BACKSLASH = 92;
const SPACE = 32;
const isWhitespace = (code: Code) => code === null || code < 0 || code === SPACE;
const isLineEnding = (code: Code) => code !== null && code < -2;
const isDigit = (code: Code) => code !== null && code >= 48 && code <= 57;

/**
 * remark-math's `$…$` inline math tokenizer with Pandoc's rule for a single dollar (its `tex_math_dollars`): the
 * opening `$` must have a non-space character right after it, and the formula ends at the next unescaped `$`, which
 * must have a non-space character right before it and no digit right after it, or there is no formula at that
 * opening `$`. So prices (`$5 and $10`, `价格从$5涨到$10`) stay text while `$E=mc^2$` is math, and `\$` inside a
 * formula does not end it. Runs of two or more dollars (`$$x$$`) keep remark-math's rules.
 */
function tokenizeMathText(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  let sizeOpen = 0;
  let size = 0;
  let token: Token | undefined;
  // Whether the character before the current position is whitespace (for the closing sequence).
  let afterSpace = false;

  const start: State = (code) => {
    effects.enter("mathText");
    effects.enter("mathTextSequence");
    return sequenceOpen(code);
  };

  const sequenceOpen: State = (code) => {
    if (code === DOLLAR) {
      effects.consume(code);
      sizeOpen++;
      return sequenceOpen;
    }
    if (sizeOpen === 1 && isWhitespace(code)) return nok(code);
    effects.exit("mathTextSequence");
    return between(code);
  };

  const between: State = (code) => {
    if (code === null) return nok(code);
    if (code === DOLLAR) {
      token = effects.enter("mathTextSequence");
      size = 0;
      return sequenceClose(code);
    }
    if (code === SPACE) {
      effects.enter("space");
      effects.consume(code);
      effects.exit("space");
      afterSpace = true;
      return between;
    }
    if (isLineEnding(code)) {
      effects.enter("lineEnding");
      effects.consume(code);
      effects.exit("lineEnding");
      afterSpace = true;
      return between;
    }
    effects.enter("mathTextData");
    return data(code);
  };

  const data: State = (code) => {
    if (code === null || code === SPACE || code === DOLLAR || isLineEnding(code)) {
      effects.exit("mathTextData");
      return between(code);
    }
    effects.consume(code);
    afterSpace = isWhitespace(code);
    return code === BACKSLASH && sizeOpen === 1 ? escaped : data;
  };

  // The character after a backslash is part of the formula, whatever it is (so `\$` does not end it).
  const escaped: State = (code) => {
    if (code === null || isLineEnding(code)) return data(code);
    effects.consume(code);
    afterSpace = false;
    return data;
  };

  const sequenceClose: State = (code) => {
    if (code === DOLLAR) {
      effects.consume(code);
      size++;
      return sequenceClose;
    }
    if (size === sizeOpen) {
      // Pandoc: a `$` after whitespace, or before a digit, cannot close, and then nothing opened here.
      if (sizeOpen === 1 && (afterSpace || isDigit(code))) return nok(code);
      effects.exit("mathTextSequence");
      effects.exit("mathText");
      return ok(code);
    }
    // Not a closing sequence: part of the formula.
    token!.type = "mathTextData";
    afterSpace = false;
    return data(code);
  };

  return start;
}

type MicromarkData = { micromarkExtensions?: Extension[] };

/**
 * remark-math (flow `$$` blocks, the mdast nodes, serialising) with the Pandoc-rule inline tokenizer above in place
 * of its own (both cannot be registered: micromark would try the other when this one refuses a `$`).
 */
export default function remarkMathPandoc(this: Processor): undefined {
  remarkMath.call(this);
  const extensions = (this.data() as MicromarkData).micromarkExtensions ?? [];
  const index = extensions.length - 1;
  const added = extensions[index];
  const original = added?.text?.[DOLLAR];
  if (!added || !original || Array.isArray(original)) throw new Error("remark-math did not add its inline math syntax");
  const mathText: Construct = { ...original, name: "mathText", tokenize: tokenizeMathText };
  extensions[index] = { ...added, text: { ...added.text, [DOLLAR]: mathText } };
}
