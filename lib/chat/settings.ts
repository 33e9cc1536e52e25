import type { CatalogModel, ChatDefaults, ChatSettings } from "./types";

// Per-chat settings: what the reader changed (overrides) over the configured defaults, always within
// what the selected model allows. Pure, so the settings panel and the request agree by construction.

export const TEMPERATURE_MIN = 0;
export const TEMPERATURE_MAX = 2;
export const TEMPERATURE_STEP = 0.1;

/** The settings in force for a chat: defaults, then overrides, bounded by the model. */
export function effectiveSettings(
  defaults: ChatDefaults | undefined,
  overrides: ChatSettings,
  model: CatalogModel | undefined,
): ChatSettings {
  const temperature = overrides.temperature ?? defaults?.temperature;
  const system = overrides.system ?? defaults?.system;
  const thinking = overrides.thinking ?? defaults?.thinking ?? true;
  return clampToModel(
    {
      ...(temperature !== undefined ? { temperature: clampTemperature(temperature) } : {}),
      ...(overrides.maxTokens !== undefined ? { maxTokens: overrides.maxTokens } : {}),
      ...(system !== undefined ? { system } : {}),
      thinking,
      ...(model?.tools ? { tools: overrides.tools ?? true } : {}),
    },
    model,
  );
}

/** Keeps max output within the model's limit (switching to a smaller model clamps it). */
export function clampToModel<T extends ChatSettings>(settings: T, model: CatalogModel | undefined): T {
  if (!model || settings.maxTokens === undefined || settings.maxTokens <= model.maxOutputTokens) return settings;
  return { ...settings, maxTokens: model.maxOutputTokens };
}

export function clampTemperature(value: number): number {
  const stepped = Math.round(value / TEMPERATURE_STEP) * TEMPERATURE_STEP;
  return Number(Math.min(TEMPERATURE_MAX, Math.max(TEMPERATURE_MIN, stepped)).toFixed(1));
}

/** A typed number for max output, or undefined (the model's default) when empty or not a positive number. */
export function parseMaxTokens(input: string, model: CatalogModel | undefined): number | undefined {
  const value = Math.floor(Number(input.trim()));
  if (input.trim() === "" || !Number.isFinite(value) || value < 1) return undefined;
  return model ? Math.min(value, model.maxOutputTokens) : value;
}

/** What goes in the request body: only fields that say something; thinking only for models that think. */
export function requestSettings(settings: ChatSettings, model: CatalogModel | undefined): ChatSettings {
  return {
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.system?.trim() ? { system: settings.system } : {}),
    ...(model?.thinking && settings.thinking !== undefined ? { thinking: settings.thinking } : {}),
    // Never sent for a model without tools.
    ...(model?.tools && settings.tools !== undefined ? { tools: settings.tools } : {}),
  };
}
