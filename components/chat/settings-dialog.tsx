"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { parseMaxTokens, TEMPERATURE_MAX, TEMPERATURE_MIN, TEMPERATURE_STEP } from "@/lib/chat/settings";
import { useChatState } from "./chat-context";
import { ModelBadges } from "./model-badges";

const fieldClass =
  "w-full rounded-lg border border-border bg-surface px-3 py-2 text-sm text-foreground placeholder:text-muted-foreground focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring/40";

/** This chat's settings: changes apply to the next message; "Reset" returns to the configured defaults. */
export function SettingsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useTranslations("settings");
  const ids = {
    system: useId(),
    temperature: useId(),
    maxTokens: useId(),
    thinking: useId(),
    tools: useId(),
    hint: useId(),
  };
  const { model, modelInfo, settings, updateSettings, resetSettings } = useChatState(
    "model",
    "modelInfo",
    "settings",
    "updateSettings",
    "resetSettings",
  );
  const maxOutput = modelInfo?.maxOutputTokens;

  return (
    <Dialog
      open={open}
      onClose={onClose}
      data-testid="settings-dialog"
      title={t("title")}
      description={t("description")}
      closeLabel={t("close")}
      footer={
        <>
          <Button variant="ghost" size="sm" data-testid="settings-reset" onClick={resetSettings}>
            {t("reset")}
          </Button>
          <Button size="sm" className="ml-auto" data-testid="settings-done" onClick={onClose}>
            {t("done")}
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-5 text-sm">
        {modelInfo && (
          <div className="flex flex-col gap-1.5 rounded-lg bg-muted px-3 py-2.5">
            <span className="text-xs text-muted-foreground">{t("model")}</span>
            <span className="font-mono font-medium">{model}</span>
            <ModelBadges model={modelInfo} />
          </div>
        )}

        <div className="flex flex-col gap-1.5">
          <label htmlFor={ids.system} className="font-medium">
            {t("system")}
          </label>
          <Textarea
            id={ids.system}
            data-testid="settings-system"
            data-autofocus
            rows={4}
            maxLength={8000}
            value={settings.system ?? ""}
            placeholder={t("systemPlaceholder")}
            onChange={(event) => updateSettings({ system: event.target.value })}
            className={`${fieldClass} max-h-60 resize-y`}
          />
        </div>

        <div className="flex flex-col gap-1.5">
          <div className="flex items-center justify-between gap-2">
            <label htmlFor={ids.temperature} className="font-medium">
              {t("temperature")}
            </label>
            <span className="flex items-center gap-2">
              <output htmlFor={ids.temperature} data-testid="settings-temperature-value" className="tabular-nums">
                {settings.temperature?.toFixed(1) ?? t("modelDefault")}
              </output>
              {settings.temperature !== undefined && (
                <Button
                  variant="ghost"
                  size="sm"
                  className="h-7 px-2"
                  onClick={() => updateSettings({ temperature: undefined })}
                >
                  {t("useModelDefault")}
                </Button>
              )}
            </span>
          </div>
          <input
            id={ids.temperature}
            data-testid="settings-temperature"
            type="range"
            min={TEMPERATURE_MIN}
            max={TEMPERATURE_MAX}
            step={TEMPERATURE_STEP}
            value={settings.temperature ?? 1}
            aria-valuetext={settings.temperature?.toFixed(1) ?? t("modelDefault")}
            onChange={(event) => updateSettings({ temperature: Number(event.target.value) })}
            className="w-full accent-primary"
          />
          <p className="text-xs text-muted-foreground">{t("temperatureHint")}</p>
        </div>

        <div className="flex flex-col gap-1.5">
          <label htmlFor={ids.maxTokens} className="font-medium">
            {t("maxTokens")}
          </label>
          <input
            id={ids.maxTokens}
            data-testid="settings-max-tokens"
            type="number"
            inputMode="numeric"
            min={1}
            max={maxOutput}
            step={1}
            value={settings.maxTokens ?? ""}
            placeholder={t("modelDefault")}
            aria-describedby={ids.hint}
            onChange={(event) => updateSettings({ maxTokens: parseMaxTokens(event.target.value, modelInfo) })}
            className={`${fieldClass} tabular-nums`}
          />
          <p id={ids.hint} className="text-xs text-muted-foreground">
            {maxOutput ? t("maxTokensHint", { max: maxOutput }) : null}
          </p>
        </div>

        {modelInfo?.thinking && (
          <div className="flex items-start justify-between gap-4">
            <div className="flex flex-col gap-1">
              <span id={ids.thinking} className="font-medium">
                {t("thinking")}
              </span>
              <span className="text-xs text-muted-foreground">{t("thinkingHint")}</span>
            </div>
            <Switch
              data-testid="settings-thinking"
              aria-labelledby={ids.thinking}
              checked={settings.thinking ?? true}
              onCheckedChange={(thinking) => updateSettings({ thinking })}
            />
          </div>
        )}

        {modelInfo?.tools && (
          <div className="flex items-start justify-between gap-4">
            <div className="flex flex-col gap-1">
              <span id={ids.tools} className="font-medium">
                {t("tools")}
              </span>
              <span className="text-xs text-muted-foreground">{t("toolsHint")}</span>
            </div>
            <Switch
              data-testid="settings-tools"
              aria-labelledby={ids.tools}
              checked={settings.tools ?? true}
              onCheckedChange={(tools) => updateSettings({ tools })}
            />
          </div>
        )}
      </div>
    </Dialog>
  );
}
