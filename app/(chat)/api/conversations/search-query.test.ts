import { describe, expect, it } from "vitest";
import { searchQuerySchema } from "./schema";

// Regression (found by the soak fuzz): `?q=a%00b` reached SQLite's FTS5 parser, which read the NUL as
// the end of its string and failed ("unterminated string", a 500). The query drops NUL first.
describe("search query", () => {
  it("drops NUL characters", () => {
    expect(searchQuerySchema.parse({ q: "a\u0000b" }).q).toBe("ab");
    expect(searchQuerySchema.parse({ q: "\u0000" }).q).toBe("");
  });

  it("keeps everything else, trimmed", () => {
    expect(searchQuerySchema.parse({ q: "  预算 '%_\" " }).q).toBe("预算 '%_\"");
    expect(searchQuerySchema.parse({}).q).toBe("");
  });
});
