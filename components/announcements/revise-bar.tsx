"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "./field-controls";

// Follow-up instructions for the selected version; quick chips for the usual ones.

const QUICK = ["formal", "short", "warm", "english"] as const;

export function ReviseBar({ disabled, onRevise }: { disabled: boolean; onRevise: (instruction: string) => void }) {
  const t = useTranslations("announcements.revise");
  const id = useId();
  const [instruction, setInstruction] = useState("");
  const submit = (text: string) => {
    if (disabled || text.trim() === "") return;
    onRevise(text.trim());
    setInstruction("");
  };
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        submit(instruction);
      }}
    >
      <label htmlFor={id} className="text-sm font-medium">
        {t("label")}
      </label>
      <div className="flex flex-wrap gap-1.5">
        {QUICK.map((key) => (
          <button
            key={key}
            type="button"
            data-testid={`revise-quick-${key}`}
            disabled={disabled}
            onClick={() => submit(t(key))}
            className="cursor-pointer rounded-full border border-border bg-surface px-3 py-1 text-xs text-muted-foreground transition-colors hover:border-primary/40 hover:text-foreground disabled:cursor-not-allowed disabled:opacity-40"
          >
            {t(key)}
          </button>
        ))}
      </div>
      <div className="flex gap-2">
        <input
          id={id}
          data-testid="revise-input"
          value={instruction}
          maxLength={500}
          placeholder={t("placeholder")}
          onChange={(event) => setInstruction(event.target.value)}
          className={inputClass}
        />
        <Button type="submit" size="md" data-testid="revise-submit" disabled={disabled || instruction.trim() === ""}>
          {t("submit")}
        </Button>
      </div>
    </form>
  );
}
