"use client";

import { useTranslations } from "next-intl";
import { Dialog } from "@/components/ui/dialog";

const SHORTCUTS = [
  { keys: ["Enter"], action: "send" },
  { keys: ["Shift", "Enter"], action: "newline" },
  { keys: ["Esc"], action: "stop" },
  { keys: ["Ctrl", "Shift", "O"], action: "newChat" },
  { keys: ["Ctrl", "/"], action: "help" },
] as const;

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useTranslations("shortcuts");
  return (
    <Dialog open={open} onClose={onClose} data-testid="shortcuts-dialog" title={t("title")} closeLabel={t("close")}>
      <dl className="flex flex-col divide-y divide-border text-sm">
        {SHORTCUTS.map(({ keys, action }) => (
          <div key={action} className="flex items-center justify-between gap-4 py-2.5">
            <dt>{t(action)}</dt>
            <dd className="flex shrink-0 items-center gap-1">
              {keys.map((key) => (
                <kbd
                  key={key}
                  className="min-w-7 rounded-md border border-b-2 border-border bg-muted px-1.5 py-0.5 text-center text-xs"
                >
                  {key}
                </kbd>
              ))}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-muted-foreground">{t("macNote")}</p>
    </Dialog>
  );
}
