import { describe, expect, it } from "vitest";
import { evaluate, ExpressionError } from "./expression";

describe("evaluate", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 4 - 3", 3],
    ["100 / 10 / 5", 2],
    ["2 * 3 + 4 * 5", 26],
    ["0.1 + 0.2", 0.3],
    ["1e3 + 1", 1001],
    ["1_000_000 / 4", 250000],
  ])("respects precedence and associativity: %s = %s", (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });

  it("handles unary minus and plus, binding looser than ^", () => {
    expect(evaluate("-3 + 5")).toBe(2);
    expect(evaluate("-(2 + 3)")).toBe(-5);
    expect(evaluate("--4")).toBe(4);
    expect(evaluate("+4 - -4")).toBe(8);
    expect(evaluate("-2^2")).toBe(-4);
    expect(evaluate("(-2)^2")).toBe(4);
    expect(evaluate("2^-1")).toBe(0.5);
    expect(evaluate("3 * -2")).toBe(-6);
  });

  it("makes ^ right-associative, ** an alias", () => {
    expect(evaluate("2^3^2")).toBe(512);
    expect(evaluate("2**10")).toBe(1024);
  });

  it("reads % as remainder between operands and as percent after a number", () => {
    expect(evaluate("10 % 3")).toBe(1);
    expect(evaluate("-7 % 3")).toBe(-1);
    expect(evaluate("200 * 15%")).toBe(30);
    expect(evaluate("50%")).toBe(0.5);
    expect(evaluate("(1 + 1)% * 100")).toBe(2);
  });

  it("nests parentheses and calls functions", () => {
    expect(evaluate("((((1))))")).toBe(1);
    expect(evaluate("sqrt(16) + abs(-3)")).toBe(7);
    expect(evaluate("round(3.14159, 2)")).toBe(3.14);
    expect(evaluate("max(1, 5, 3) - min(4, 2)")).toBe(3);
    expect(evaluate("round(pi * 2^2, 3)")).toBe(12.566);
  });

  it("accepts full-width symbols typed with a Chinese IME", () => {
    expect(evaluate("（3＋5）×2÷4")).toBe(4);
    expect(evaluate("12％")).toBe(0.12);
  });

  it.each(["1 / 0", "5 % 0", "1 / (2 - 2)"])("refuses division by zero: %s", (source) => {
    expect(() => evaluate(source)).toThrow(ExpressionError);
    expect(() => evaluate(source)).toThrow(/零/);
  });

  it.each([
    "",
    "   ",
    "1 +",
    "(1 + 2",
    "1 + 2)",
    "2 3",
    "abc",
    "alert(1)",
    "process.exit()",
    "1 ; 2",
    "constructor",
    "sqrt(-1)",
    "max()",
    "round(1, 2, 3)",
    "10^400",
    "* 3",
  ])("turns garbage into an ExpressionError: %j", (source) => {
    expect(() => evaluate(source)).toThrow(ExpressionError);
  });

  it("refuses very long or very deep input without blowing the stack", () => {
    expect(() => evaluate("1+".repeat(300) + "1")).toThrow(/过长/);
    expect(() => evaluate("(".repeat(200) + "1" + ")".repeat(200))).toThrow(ExpressionError);
    expect(() => evaluate("-".repeat(200) + "1")).toThrow(ExpressionError);
  });

  it("never evaluates JavaScript", () => {
    expect(() => evaluate("globalThis")).toThrow(/未知/);
    expect(() => evaluate("`1`")).toThrow(/无法识别/);
  });
});
