// The current time in any IANA zone, with the pieces a model needs to turn 下周三 into a date.

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

const WEEKDAYS_ZH = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
const WEEKDAYS_EN = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export interface ZonedTime {
  timeZone: string;
  /** 2026-11-27 */
  date: string;
  /** 14:05:09 */
  time: string;
  weekday: string;
  weekdayEn: string;
  /** +08:00 */
  utcOffset: string;
  /** 2026-11-27T14:05:09+08:00 */
  iso: string;
  /** 2026年11月27日 星期五 14:05 */
  chinese: string;
  unixMs: number;
}

export class TimeZoneError extends Error {
  constructor(zone: string) {
    super(`未知的时区“${zone}”：请使用 IANA 时区名，如 Asia/Shanghai、America/New_York、UTC`);
    this.name = "TimeZoneError";
  }
}

/** Throws TimeZoneError for a zone the runtime does not know. */
export function assertTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new TimeZoneError(zone);
  }
}

/** The wall-clock parts of an instant in a zone. */
export function zonedParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    weekday: "short",
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const weekdayIndex = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  return {
    year: Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: weekdayIndex,
  };
}

export function currentTime(timeZone = DEFAULT_TIME_ZONE, now = new Date()): ZonedTime {
  const zone = assertTimeZone(timeZone);
  const p = zonedParts(now, zone);
  const pad = (n: number) => String(n).padStart(2, "0");
  // The offset is what the wall clock is ahead of UTC (seconds dropped: no zone uses them today).
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetMin = Math.round((wall - Math.floor(now.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const utcOffset = `${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  const time = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  return {
    timeZone: zone,
    date,
    time,
    weekday: WEEKDAYS_ZH[p.weekday] ?? "",
    weekdayEn: WEEKDAYS_EN[p.weekday] ?? "",
    utcOffset,
    iso: `${date}T${time}${utcOffset}`,
    chinese: `${p.year}年${p.month}月${p.day}日 ${WEEKDAYS_ZH[p.weekday] ?? ""} ${pad(p.hour)}:${pad(p.minute)}`,
    unixMs: now.getTime(),
  };
}
