"use client";

import { useTranslations } from "next-intl";
import { LanguageSwitch } from "@/components/language-switch";
import { ThemeToggle } from "@/components/theme-toggle";
import { IconButton } from "@/components/ui/icon-button";
import { HelpIcon, NewChatIcon, SettingsIcon } from "@/components/ui/icons";
import { MenuIcon } from "@/components/ui/nav-icons";
import { useSidebar } from "@/components/sidebar/sidebar-context";
import { useChatState } from "./chat-context";
import { ModelPicker } from "./model-picker";

export function ChatHeader() {
  const t = useTranslations("app");
  const tHeader = useTranslations("header");
  const tSidebar = useTranslations("sidebar");
  const { newChat, openDialog } = useChatState("newChat", "openDialog");
  const sidebar = useSidebar();
  return (
    <header className="border-b border-border bg-surface">
      <div className="mx-auto flex h-14 w-full max-w-3xl items-center gap-1 px-2 sm:gap-2 sm:px-4">
        {sidebar && (
          <IconButton
            data-testid="sidebar-open"
            className="md:hidden"
            size="icon-md"
            side="bottom"
            align="start"
            label={tSidebar("open")}
            icon={<MenuIcon />}
            onClick={() => sidebar.setOpen(true)}
          />
        )}
        {/* On a phone the name gives way to the controls, and beside the history it is shown there; screen readers still get the heading. */}
        <h1 className="sr-only shrink-0 text-base font-semibold tracking-tight sm:not-sr-only md:sr-only">
          {t("name")}
        </h1>
        <div className="flex min-w-0 flex-1 items-center sm:justify-end">
          <ModelPicker />
        </div>
        <div className="flex shrink-0 items-center gap-0.5 sm:gap-1">
          <IconButton
            data-testid="settings-button"
            size="icon-md"
            side="bottom"
            label={tHeader("settings")}
            icon={<SettingsIcon />}
            onClick={() => openDialog("settings")}
          />
          <IconButton
            data-testid="new-chat"
            size="icon-md"
            side="bottom"
            label={tHeader("newChat")}
            icon={<NewChatIcon />}
            onClick={newChat}
          />
          <IconButton
            data-testid="shortcuts-button"
            size="icon-md"
            side="bottom"
            label={tHeader("shortcuts")}
            icon={<HelpIcon />}
            onClick={() => openDialog("shortcuts")}
          />
          <ThemeToggle />
          <LanguageSwitch />
        </div>
      </div>
    </header>
  );
}
