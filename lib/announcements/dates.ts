import { currentTime, DEFAULT_TIME_ZONE } from "@/lib/tools/current-time";

// Dates the Chinese way, and the calendar the model gets so that 下周三 and 本周五18:00 become
// real dates: today in Asia/Shanghai and every day of this week and next (weeks start on Monday).

const WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

/** 2026-11-27 → 2026年11月27日 */
export function chineseDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return isoDate;
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** 2026-11-27T14:00 → 2026年11月27日 14:00 */
export function chineseDateTime(value: string): string {
  const [date, time] = value.split("T");
  return time ? `${chineseDate(date ?? "")} ${time.slice(0, 5)}` : chineseDate(value);
}

function addDays(isoDate: string, days: number): { date: string; weekday: number } {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d + days));
  return { date: at.toISOString().slice(0, 10), weekday: at.getUTCDay() };
}

export interface Today {
  date: string;
  chinese: string;
  weekday: string;
  time: string;
}

export function today(now = new Date()): Today {
  const t = currentTime(DEFAULT_TIME_ZONE, now);
  return { date: t.date, chinese: chineseDate(t.date), weekday: t.weekday, time: t.time.slice(0, 5) };
}

/** The lines the system prompt carries: today, then 本周一…下周日 with their dates. */
export function calendarContext(now = new Date()): string {
  const t = currentTime(DEFAULT_TIME_ZONE, now);
  const weekday = addDays(t.date, 0).weekday;
  const mondayOffset = weekday === 0 ? -6 : 1 - weekday;
  const days: string[] = [];
  for (let i = 0; i < 14; i++) {
    const day = addDays(t.date, mondayOffset + i);
    const label = `${i < 7 ? "本" : "下"}${WEEKDAYS[day.weekday]}`;
    days.push(`${label}=${chineseDate(day.date)}`);
  }
  return [
    `今天是 ${chineseDate(t.date)}（${t.weekday}），北京时间 ${t.time.slice(0, 5)}（Asia/Shanghai）。`,
    `本周与下周的日期：${days.join("，")}。`,
    "“明天”“下周三”“本周五18:00”等相对说法一律换算成具体日期，写作“2026年11月27日”这样的格式。",
  ].join("\n");
}
