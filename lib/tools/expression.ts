// A small arithmetic language for the calculate tool, parsed by recursive descent (never eval).
//   expr    := term (("+" | "-") term)*
//   term    := unary (("*" | "/" | "%") unary)*       % between two operands is the remainder
//   unary   := ("+" | "-") unary | power              so -2^2 = -(2^2) = -4
//   power   := postfix ("^" unary)?                   right-associative: 2^3^2 = 2^9
//   postfix := primary "%"?                           a trailing % is a percentage: 15% = 0.15
//   primary := number | "(" expr ")" | name | name "(" expr ("," expr)* ")"

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = "ExpressionError";
  }
}

type Token =
  | { kind: "num"; value: number; at: number }
  | { kind: "name"; value: string; at: number }
  | { kind: "op"; value: string; at: number }
  | { kind: "end"; at: number };

const MAX_LENGTH = 500;
const MAX_DEPTH = 64;

// Full-width symbols typed with a Chinese IME mean the same as their ASCII twins.
const FULL_WIDTH: Record<string, string> = {
  "（": "(",
  "）": ")",
  "＋": "+",
  "－": "-",
  "—": "-",
  "−": "-",
  "×": "*",
  "✕": "*",
  "＊": "*",
  "÷": "/",
  "／": "/",
  "％": "%",
  "＾": "^",
  "，": ",",
  "。": ".",
  "．": ".",
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, π: Math.PI, e: Math.E };

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...args: number[]) => number }> = {
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  abs: { arity: [1, 1], fn: Math.abs },
  round: {
    arity: [1, 2],
    fn: (x, digits = 0) => {
      const f = 10 ** Math.trunc(digits);
      return Math.round(x * f) / f;
    },
  },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  min: { arity: [1, 32], fn: Math.min },
  max: { arity: [1, 32], fn: Math.max },
  ln: { arity: [1, 1], fn: Math.log },
  log: { arity: [1, 1], fn: Math.log10 },
  exp: { arity: [1, 1], fn: Math.exp },
  sin: { arity: [1, 1], fn: Math.sin },
  cos: { arity: [1, 1], fn: Math.cos },
  tan: { arity: [1, 1], fn: Math.tan },
};

function tokenize(source: string): Token[] {
  const text = [...source].map((c) => FULL_WIDTH[c] ?? c).join("");
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      const value = Number(number[0].replaceAll("_", ""));
      if (!Number.isFinite(value)) throw new ExpressionError(`数字无效：${number[0]}`, i);
      tokens.push({ kind: "num", value, at: i });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-zπ][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      tokens.push({ kind: "name", value: name[0].toLowerCase(), at: i });
      i += name[0].length;
      continue;
    }
    if ("+-*/%^(),".includes(c)) {
      // ** is a common spelling of ^.
      if (c === "*" && text[i + 1] === "*") {
        tokens.push({ kind: "op", value: "^", at: i });
        i += 2;
        continue;
      }
      tokens.push({ kind: "op", value: c, at: i });
      i++;
      continue;
    }
    throw new ExpressionError(`无法识别的字符“${c}”（位置 ${i + 1}）`, i);
  }
  tokens.push({ kind: "end", at: text.length });
  return tokens;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): number {
    const value = this.expr();
    const next = this.peek();
    if (next.kind !== "end") throw new ExpressionError(`多余的内容（位置 ${next.at + 1}）`, next.at);
    return value;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private isOp(token: Token, ...values: string[]): boolean {
    return token.kind === "op" && values.includes(token.value);
  }

  private expect(value: string): void {
    const token = this.peek();
    if (!this.isOp(token, value)) throw new ExpressionError(`缺少“${value}”（位置 ${token.at + 1}）`, token.at);
    this.pos++;
  }

  private nested<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new ExpressionError("表达式嵌套过深");
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private expr(): number {
    let value = this.term();
    while (this.isOp(this.peek(), "+", "-")) {
      const op = (this.tokens[this.pos++] as { value: string }).value;
      const right = this.term();
      value = op === "+" ? value + right : value - right;
    }
    return value;
  }

  private term(): number {
    let value = this.unary();
    while (this.isOp(this.peek(), "*", "/", "%")) {
      const token = this.tokens[this.pos++] as { value: string; at: number };
      const right = this.unary();
      if (token.value === "*") value *= right;
      else if (right === 0)
        throw new ExpressionError(token.value === "/" ? "除数不能为零" : "取余的除数不能为零", token.at);
      else value = token.value === "/" ? value / right : value % right;
    }
    return value;
  }

  private unary(): number {
    return this.nested(() => {
      if (this.isOp(this.peek(), "-")) {
        this.pos++;
        return -this.unary();
      }
      if (this.isOp(this.peek(), "+")) {
        this.pos++;
        return this.unary();
      }
      return this.power();
    });
  }

  private power(): number {
    const base = this.postfix();
    if (!this.isOp(this.peek(), "^")) return base;
    this.pos++;
    return base ** this.unary();
  }

  private postfix(): number {
    const value = this.primary();
    // A % that no operand follows is a percentage (15% → 0.15); otherwise it is the remainder.
    if (this.isOp(this.peek(), "%")) {
      const after = this.peek(1);
      const operandFollows = after.kind === "num" || after.kind === "name" || this.isOp(after, "(");
      if (!operandFollows) {
        this.pos++;
        return value / 100;
      }
    }
    return value;
  }

  private primary(): number {
    const token = this.peek();
    if (token.kind === "num") {
      this.pos++;
      return token.value;
    }
    if (this.isOp(token, "(")) {
      this.pos++;
      const value = this.nested(() => this.expr());
      this.expect(")");
      return value;
    }
    if (token.kind === "name") {
      this.pos++;
      const fn = FUNCTIONS[token.value];
      if (fn && this.isOp(this.peek(), "(")) {
        this.pos++;
        const args = [this.nested(() => this.expr())];
        while (this.isOp(this.peek(), ",")) {
          this.pos++;
          args.push(this.nested(() => this.expr()));
        }
        this.expect(")");
        const [min, max] = fn.arity;
        if (args.length < min || args.length > max) {
          throw new ExpressionError(`函数 ${token.value} 的参数个数不对`, token.at);
        }
        if (token.value === "sqrt" && args[0]! < 0) throw new ExpressionError("负数不能开平方", token.at);
        if ((token.value === "ln" || token.value === "log") && args[0]! <= 0) {
          throw new ExpressionError("对数的参数必须大于零", token.at);
        }
        return fn.fn(...args);
      }
      const constant = CONSTANTS[token.value];
      if (constant !== undefined) return constant;
      throw new ExpressionError(`未知的名称“${token.value}”`, token.at);
    }
    if (token.kind === "end") throw new ExpressionError("表达式不完整", token.at);
    throw new ExpressionError(`此处不应出现“${token.value}”（位置 ${token.at + 1}）`, token.at);
  }
}

/** Evaluates an arithmetic expression; throws ExpressionError for anything that is not one. */
export function evaluate(source: string): number {
  if (typeof source !== "string" || source.trim() === "") throw new ExpressionError("表达式为空");
  if (source.length > MAX_LENGTH) throw new ExpressionError(`表达式过长（上限 ${MAX_LENGTH} 个字符）`);
  const value = new Parser(tokenize(source)).parse();
  if (!Number.isFinite(value)) throw new ExpressionError("结果不是有限的数字（溢出或无定义）");
  // Binary floating point: 0.1 + 0.2 reads as 0.3, as a person expects.
  return Number.parseFloat(value.toPrecision(15));
}
