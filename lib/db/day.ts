// The quota day runs on the Asia/Shanghai calendar. China has kept UTC+8 all year since 1991,
// so a fixed offset is exact and needs no time-zone database.

const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** "YYYY-MM-DD" of the Shanghai calendar day containing `ms`. */
export function shanghaiDay(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** Epoch ms of the next Shanghai midnight after `ms` (when today's quota resets). */
export function nextShanghaiMidnight(ms: number): number {
  return (Math.floor((ms + OFFSET_MS) / DAY_MS) + 1) * DAY_MS - OFFSET_MS;
}

/** "YYYY-MM-DD HH:MM" on the Shanghai clock. */
export function formatShanghai(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}
