import { z } from "zod";
import { CHANNEL_OPTIONS, KIND_SPECS, KINDS, LANGUAGES, LENGTHS, TONES, type AnnouncementKind } from "./kinds";

// The studio's form: common fields plus the kind's own. One validator for the browser (inline
// errors) and the server (which refuses what the browser should have caught).

export const announcementFormSchema = z.object({
  kind: z.enum(KINDS),
  department: z.string().max(100),
  channel: z.enum(CHANNEL_OPTIONS),
  tone: z.enum(TONES),
  length: z.enum(LENGTHS),
  language: z.enum(LANGUAGES),
  fields: z.record(z.string().max(64), z.string().max(4000)),
});
export type AnnouncementForm = z.infer<typeof announcementFormSchema>;

export type FieldErrorCode = "required" | "tooLong" | "invalidDate" | "endBeforeStart";
export interface FieldError {
  /** "department" or a kind field's id. */
  field: string;
  code: FieldErrorCode;
}

export function emptyForm(kind: AnnouncementKind = "product_launch"): AnnouncementForm {
  return { kind, department: "", channel: "wecom", tone: "formal", length: "medium", language: "zh-CN", fields: {} };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Minutes since the epoch of a wall-clock date or date-time (both read in the same zone, so comparable). */
export function wallMinutes(value: string, type: "date" | "datetime"): number | undefined {
  const m = (type === "date" ? DATE : DATETIME).exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0] = m.slice(1).map(Number) as number[];
  const at = new Date(Date.UTC(year!, month! - 1, day!, hour, minute));
  // 2026-02-30 rolls over into March: not a real date.
  if (at.getUTCMonth() !== month! - 1 || at.getUTCDate() !== day || hour > 23 || minute > 59) return undefined;
  return at.getTime() / 60_000;
}

export function validateForm(form: AnnouncementForm): FieldError[] {
  const errors: FieldError[] = [];
  if (form.department.trim() === "") errors.push({ field: "department", code: "required" });
  const spec = KIND_SPECS[form.kind];
  for (const f of spec.fields) {
    const value = (form.fields[f.id] ?? "").trim();
    if (value === "") {
      if (f.required) errors.push({ field: f.id, code: "required" });
      continue;
    }
    if (value.length > f.max) errors.push({ field: f.id, code: "tooLong" });
    else if ((f.type === "date" || f.type === "datetime") && wallMinutes(value, f.type) === undefined) {
      errors.push({ field: f.id, code: "invalidDate" });
    }
  }
  for (const range of spec.ranges) {
    const type = spec.fields.find((f) => f.id === range.start)!.type as "date" | "datetime";
    const start = wallMinutes(form.fields[range.start] ?? "", type);
    const end = wallMinutes(form.fields[range.end] ?? "", type);
    if (start === undefined || end === undefined) continue;
    // A day range may be one day; a time window must have some length.
    if (type === "date" ? end < start : end <= start) errors.push({ field: range.end, code: "endBeforeStart" });
  }
  return errors;
}
