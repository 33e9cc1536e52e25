"use client";

import { useCallback, useMemo, useState } from "react";
import { clampToModel, effectiveSettings } from "@/lib/chat/settings";
import type { CatalogModel, ChatSettings, ModelsResponse } from "@/lib/chat/types";

export interface ChatSettingsState {
  model: string | undefined;
  modelInfo: CatalogModel | undefined;
  /** The settings in force: config defaults, then this chat's changes, bounded by the model. */
  settings: ChatSettings;
  setModel: (model: string) => void;
  updateSettings: (patch: Partial<ChatSettings>) => void;
  resetSettings: () => void;
}

/**
 * The chat's model and settings; the model's limits are applied whenever either changes. A stored
 * conversation starts from the model and settings it was last used with.
 */
export function useChatSettings(
  catalog: ModelsResponse | undefined,
  initial?: { model?: string; settings?: ChatSettings },
): ChatSettingsState {
  const [picked, setPicked] = useState<string | undefined>(initial?.model);
  const [overrides, setOverrides] = useState<ChatSettings>(initial?.settings ?? {});
  // A model the gateway no longer offers falls back to the default.
  const known = picked !== undefined && (!catalog || catalog.models.some((entry) => entry.id === picked));
  const model = known ? picked : catalog?.defaultModel;
  const modelInfo = catalog?.models.find((entry) => entry.id === model);

  const settings = useMemo(
    () => effectiveSettings(catalog?.defaults, overrides, modelInfo),
    [catalog?.defaults, overrides, modelInfo],
  );

  const setModel = useCallback(
    (id: string) => {
      setPicked(id);
      // Switching to a model with a smaller output limit clamps the chosen max output.
      const next = catalog?.models.find((entry) => entry.id === id);
      setOverrides((previous) => clampToModel(previous, next));
    },
    [catalog],
  );

  const updateSettings = useCallback(
    (patch: Partial<ChatSettings>) => setOverrides((previous) => clampToModel({ ...previous, ...patch }, modelInfo)),
    [modelInfo],
  );

  const resetSettings = useCallback(() => setOverrides({}), []);

  return { model, modelInfo, settings, setModel, updateSettings, resetSettings };
}
