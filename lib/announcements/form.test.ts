import { describe, expect, it } from "vitest";
import { calendarContext, chineseDate, chineseDateTime } from "./dates";
import { emptyForm, validateForm, type AnnouncementForm } from "./form";
import { KIND_SPECS, KINDS } from "./kinds";

const form = (kind: AnnouncementForm["kind"], fields: Record<string, string>): AnnouncementForm => ({
  ...emptyForm(kind),
  department: "行政部",
  fields,
});

describe("validateForm", () => {
  it.each(KINDS)("asks for every required field of %s, and the department", (kind) => {
    const errors = validateForm({ ...emptyForm(kind), fields: {} });
    const required = KIND_SPECS[kind].fields.filter((f) => f.required).map((f) => f.id);
    expect(errors).toEqual([
      { field: "department", code: "required" },
      ...required.map((field) => ({ field, code: "required" })),
    ]);
  });

  it("accepts a complete maintenance notice", () => {
    expect(
      validateForm(
        form("maintenance", {
          startAt: "2026-11-28T22:00",
          endAt: "2026-11-29T02:00",
          systems: "OA",
          impact: "无法登录",
          contact: "IT 服务台 8001",
        }),
      ),
    ).toEqual([]);
  });

  it("refuses a maintenance window that ends before (or when) it starts", () => {
    const base = { systems: "OA", impact: "停机", contact: "IT" };
    expect(
      validateForm(form("maintenance", { ...base, startAt: "2026-11-29T02:00", endAt: "2026-11-28T22:00" })),
    ).toEqual([{ field: "endAt", code: "endBeforeStart" }]);
    expect(
      validateForm(form("maintenance", { ...base, startAt: "2026-11-29T02:00", endAt: "2026-11-29T02:00" })),
    ).toEqual([{ field: "endAt", code: "endBeforeStart" }]);
  });

  it("lets a holiday be one day, but not end before it starts", () => {
    expect(
      validateForm(form("holiday", { holidayName: "元旦", startDate: "2027-01-01", endDate: "2027-01-01" })),
    ).toEqual([]);
    expect(
      validateForm(form("holiday", { holidayName: "元旦", startDate: "2027-01-03", endDate: "2027-01-01" })),
    ).toEqual([{ field: "endDate", code: "endBeforeStart" }]);
  });

  it("refuses dates that do not exist and overlong fields", () => {
    const errors = validateForm(
      form("product_launch", { productName: "x".repeat(201), releaseDate: "2026-02-30", highlights: "快" }),
    );
    expect(errors).toEqual([
      { field: "productName", code: "tooLong" },
      { field: "releaseDate", code: "invalidDate" },
    ]);
  });
});

describe("dates", () => {
  it("writes dates the Chinese way", () => {
    expect(chineseDate("2026-01-05")).toBe("2026年1月5日");
    expect(chineseDateTime("2026-11-27T18:00")).toBe("2026年11月27日 18:00");
  });

  it("gives the model today in Shanghai and the dates of this week and next", () => {
    // Friday 2026-11-27, 01:30 in Shanghai (still Thursday in UTC).
    const text = calendarContext(new Date(Date.UTC(2026, 10, 26, 17, 30)));
    expect(text).toContain("今天是 2026年11月27日（星期五），北京时间 01:30");
    expect(text).toContain("本周三=2026年11月25日");
    expect(text).toContain("本周五=2026年11月27日");
    expect(text).toContain("下周三=2026年12月2日");
    expect(text).toContain("下周日=2026年12月6日");
  });

  it("starts the week on Monday even on a Sunday", () => {
    const text = calendarContext(new Date(Date.UTC(2026, 10, 29, 4)));
    expect(text).toContain("本周一=2026年11月23日");
    expect(text).toContain("下周一=2026年11月30日");
  });
});
