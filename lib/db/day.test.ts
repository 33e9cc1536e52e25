import { describe, expect, it } from "vitest";
import { formatShanghai, nextShanghaiMidnight, shanghaiDay } from "./day";

describe("the Shanghai quota day", () => {
  it.each([
    [Date.UTC(2030, 2, 1, 15, 59, 59), "2030-03-01"], // 23:59:59 in Shanghai
    [Date.UTC(2030, 2, 1, 16, 0, 0), "2030-03-02"], // midnight
    [Date.UTC(2030, 11, 31, 20, 0), "2031-01-01"], // a new year starts 8 hours early
  ])("puts %d on %s", (ms, day) => {
    expect(shanghaiDay(ms)).toBe(day);
  });

  it("resets at the next Shanghai midnight", () => {
    expect(nextShanghaiMidnight(Date.UTC(2030, 2, 1, 3, 0))).toBe(Date.UTC(2030, 2, 1, 16, 0));
    expect(nextShanghaiMidnight(Date.UTC(2030, 2, 1, 16, 0))).toBe(Date.UTC(2030, 2, 2, 16, 0));
    expect(formatShanghai(Date.UTC(2030, 2, 1, 16, 0))).toBe("2030-03-02 00:00");
  });
});
