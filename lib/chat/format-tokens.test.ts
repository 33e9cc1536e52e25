import { describe, expect, it } from "vitest";
import { formatTokenCount } from "./format-tokens";

describe("formatTokenCount", () => {
  it("shows context windows the way model cards do", () => {
    expect(formatTokenCount(131072)).toBe("128K");
    expect(formatTokenCount(262144)).toBe("256K");
    expect(formatTokenCount(65536)).toBe("64K");
    expect(formatTokenCount(16384)).toBe("16K");
    expect(formatTokenCount(1048576)).toBe("1M");
  });

  it("keeps one decimal for small fractional counts, and plain numbers under 1K", () => {
    expect(formatTokenCount(1536)).toBe("1.5K");
    expect(formatTokenCount(16000)).toBe("16K");
    expect(formatTokenCount(900)).toBe("900");
    expect(formatTokenCount(0)).toBe("0");
  });
});
