import { shanghaiDay } from "@/lib/db/day";

// The history list's sections: today, yesterday, the 7 days before, older — by the Asia/Shanghai
// calendar the staff live by, whatever the browser's own zone.

export type DayGroup = "today" | "yesterday" | "lastWeek" | "older";
export const DAY_GROUPS: readonly DayGroup[] = ["today", "yesterday", "lastWeek", "older"];

const DAY_MS = 24 * 60 * 60 * 1000;

export function dayGroup(at: number, now: number): DayGroup {
  const days = Math.round((Date.parse(shanghaiDay(now)) - Date.parse(shanghaiDay(at))) / DAY_MS);
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  if (days <= 7) return "lastWeek";
  return "older";
}

/** Items in their sections, in the order given (newest first), empty sections left out. */
export function groupByDay<T>(items: readonly T[], at: (item: T) => number, now = Date.now()) {
  const groups = new Map<DayGroup, T[]>();
  for (const item of items) {
    const group = dayGroup(at(item), now);
    groups.set(group, [...(groups.get(group) ?? []), item]);
  }
  return DAY_GROUPS.filter((g) => groups.has(g)).map((group) => ({ group, items: groups.get(group)! }));
}
