"use client";

import { useTranslations } from "next-intl";
import type { AnnouncementForm as Form, FieldError } from "@/lib/announcements/form";
import {
  CHANNEL_OPTIONS,
  KIND_SPECS,
  KINDS,
  LANGUAGES,
  LENGTHS,
  TONES,
  type AnnouncementKind,
} from "@/lib/announcements/kinds";
import { cn } from "@/lib/utils";
import { Field, inputClass, Segmented } from "./field-controls";

// The studio's form: the kind, the fields that kind needs, and the common settings.

export function AnnouncementForm({
  form,
  errors,
  onChange,
}: {
  form: Form;
  /** Shown once the reader has tried to generate. */
  errors: FieldError[];
  onChange: (form: Form) => void;
}) {
  const t = useTranslations("announcements");
  const errorOf = (field: string) => {
    const error = errors.find((e) => e.field === field);
    return error ? t(`errors.${error.code}`) : undefined;
  };
  const setField = (id: string, value: string) => onChange({ ...form, fields: { ...form.fields, [id]: value } });
  const setKind = (kind: AnnouncementKind) => onChange({ ...form, kind });

  return (
    <div className="flex flex-col gap-5">
      <fieldset>
        <legend className="mb-2 text-sm font-medium">{t("kindLabel")}</legend>
        <div role="radiogroup" aria-label={t("kindLabel")} className="grid grid-cols-2 gap-1.5">
          {KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              role="radio"
              aria-checked={form.kind === kind}
              data-testid={`kind-${kind}`}
              onClick={() => setKind(kind)}
              className={cn(
                "cursor-pointer rounded-lg border px-2.5 py-2 text-left text-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
                form.kind === kind
                  ? "border-primary bg-primary-soft font-medium text-foreground"
                  : "border-border bg-surface text-muted-foreground hover:border-primary/40 hover:text-foreground",
              )}
            >
              {t(`kinds.${kind}`)}
            </button>
          ))}
        </div>
      </fieldset>

      <section aria-label={t("details")} className="flex flex-col gap-3">
        <h3 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">{t("details")}</h3>
        {KIND_SPECS[form.kind].fields.map((spec) => {
          const id = `field-${spec.id}`;
          const error = errorOf(spec.id);
          const common = {
            id,
            "data-testid": id,
            value: form.fields[spec.id] ?? "",
            "aria-invalid": error ? true : undefined,
            "aria-describedby": error ? `${id}-error` : undefined,
            className: inputClass,
          };
          return (
            <Field
              key={`${form.kind}-${spec.id}`}
              id={id}
              label={t(`fields.${spec.id}` as "fields.department")}
              hint={spec.required ? undefined : t("optional")}
              error={error}
            >
              {spec.type === "textarea" ? (
                <textarea
                  {...common}
                  rows={3}
                  maxLength={spec.max}
                  onChange={(event) => setField(spec.id, event.target.value)}
                  className={`${inputClass} resize-y`}
                />
              ) : (
                <input
                  {...common}
                  type={spec.type === "date" ? "date" : spec.type === "datetime" ? "datetime-local" : "text"}
                  maxLength={spec.max}
                  onChange={(event) => setField(spec.id, event.target.value)}
                />
              )}
            </Field>
          );
        })}
      </section>

      <section aria-label={t("common")} className="flex flex-col gap-3">
        <h3 className="text-xs font-semibold tracking-wide text-muted-foreground uppercase">{t("common")}</h3>
        <Field id="field-department" label={t("fields.department")} error={errorOf("department")}>
          <input
            id="field-department"
            data-testid="field-department"
            value={form.department}
            maxLength={100}
            placeholder={t("departmentPlaceholder")}
            aria-invalid={errorOf("department") ? true : undefined}
            onChange={(event) => onChange({ ...form, department: event.target.value })}
            className={inputClass}
          />
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field id="field-channel" label={t("fields.channel")}>
            <select
              id="field-channel"
              data-testid="field-channel"
              value={form.channel}
              onChange={(event) => onChange({ ...form, channel: event.target.value as Form["channel"] })}
              className={inputClass}
            >
              {CHANNEL_OPTIONS.map((channel) => (
                <option key={channel} value={channel}>
                  {t(`channels.${channel}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="field-language" label={t("fields.language")}>
            <select
              id="field-language"
              data-testid="field-language"
              value={form.language}
              onChange={(event) => onChange({ ...form, language: event.target.value as Form["language"] })}
              className={inputClass}
            >
              {LANGUAGES.map((language) => (
                <option key={language} value={language}>
                  {t(language === "en" ? "languages.en" : "languages.zh")}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Segmented
          name="tone"
          label={t("fields.tone")}
          value={form.tone}
          options={TONES.map((value) => ({ value, label: t(`tones.${value}`) }))}
          onChange={(tone) => onChange({ ...form, tone })}
        />
        <Segmented
          name="length"
          label={t("fields.length")}
          value={form.length}
          options={LENGTHS.map((value) => ({ value, label: t(`lengths.${value}`) }))}
          onChange={(length) => onChange({ ...form, length })}
        />
      </section>
    </div>
  );
}
