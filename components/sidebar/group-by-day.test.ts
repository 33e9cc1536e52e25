import { describe, expect, it } from "vitest";
import { dayGroup, groupByDay } from "./group-by-day";

// 2026-03-10 09:00 in Shanghai is 01:00 UTC.
const NOW = Date.UTC(2026, 2, 10, 1, 0);
const shanghai = (day: number, hour: number) => Date.UTC(2026, 2, day, hour - 8, 0);

describe("dayGroup", () => {
  it("uses the Shanghai calendar: 00:30 there is today, 23:30 the evening before is yesterday", () => {
    expect(dayGroup(shanghai(10, 0.5), NOW)).toBe("today");
    expect(dayGroup(shanghai(9, 23.5), NOW)).toBe("yesterday");
    // 23:00 UTC on the 9th is already the 10th in Shanghai.
    expect(dayGroup(Date.UTC(2026, 2, 9, 23, 0), NOW)).toBe("today");
  });

  it("puts 2–7 days ago in the previous week and the rest in older", () => {
    expect(dayGroup(shanghai(8, 12), NOW)).toBe("lastWeek");
    expect(dayGroup(shanghai(3, 12), NOW)).toBe("lastWeek");
    expect(dayGroup(shanghai(2, 12), NOW)).toBe("older");
    expect(dayGroup(shanghai(10, 12) + 60_000, NOW)).toBe("today");
  });
});

describe("groupByDay", () => {
  it("keeps the order within a section and leaves empty sections out", () => {
    const items = [shanghai(10, 8), shanghai(10, 1), shanghai(6, 1), shanghai(1, 1)];
    expect(groupByDay(items, (x) => x, NOW)).toEqual([
      { group: "today", items: [items[0], items[1]] },
      { group: "lastWeek", items: [items[2]] },
      { group: "older", items: [items[3]] },
    ]);
  });
});
