import { describe, expect, it } from "vitest";
import { currentTime, TimeZoneError } from "./current-time";

// 2026-11-27 06:05:09 UTC: a Friday in Shanghai (14:05), still Thursday evening in New York.
const AT = new Date(Date.UTC(2026, 10, 27, 6, 5, 9));

describe("currentTime", () => {
  it("defaults to Asia/Shanghai", () => {
    expect(currentTime(undefined, AT)).toEqual({
      timeZone: "Asia/Shanghai",
      date: "2026-11-27",
      time: "14:05:09",
      weekday: "星期五",
      weekdayEn: "Friday",
      utcOffset: "+08:00",
      iso: "2026-11-27T14:05:09+08:00",
      chinese: "2026年11月27日 星期五 14:05",
      unixMs: AT.getTime(),
    });
  });

  it.each([
    ["America/New_York", "2026-11-27", "01:05:09", "-05:00", "Friday"],
    ["America/Los_Angeles", "2026-11-26", "22:05:09", "-08:00", "Thursday"],
    ["Asia/Kolkata", "2026-11-27", "11:35:09", "+05:30", "Friday"],
    ["UTC", "2026-11-27", "06:05:09", "+00:00", "Friday"],
  ])("knows other IANA zones: %s", (zone, date, time, offset, weekday) => {
    expect(currentTime(zone, AT)).toMatchObject({ date, time, utcOffset: offset, weekdayEn: weekday });
  });

  it("follows daylight saving time", () => {
    const summer = new Date(Date.UTC(2026, 6, 1, 12));
    expect(currentTime("Europe/London", summer).utcOffset).toBe("+01:00");
    expect(currentTime("Europe/London", AT).utcOffset).toBe("+00:00");
  });

  it.each(["Mars/Olympus", "Beijing", "", "Asia/Shanghai; DROP TABLE"])("refuses an unknown zone: %j", (zone) => {
    expect(() => currentTime(zone, AT)).toThrow(TimeZoneError);
  });
});
