"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { LanguageSwitch } from "@/components/language-switch";
import { ThemeToggle } from "@/components/theme-toggle";
import { Button } from "@/components/ui/button";
import { emptyForm, validateForm, type AnnouncementForm as Form } from "@/lib/announcements/form";
import type { Announcement } from "@/lib/announcements/schema";
import type { Locale } from "@/lib/errors";
import { AnnouncementForm } from "./announcement-form";
import { ChannelCounts } from "./channel-counts";
import { ExportBar } from "./export-bar";
import { HistoryList } from "./history-list";
import { NoticePreview } from "./notice-preview";
import { announcementQuery } from "./queries";
import { ReviseBar } from "./revise-bar";
import { useStudio, type LoadedAnnouncement } from "./use-studio";
import { VersionList } from "./version-list";

// 公告助手: the form on the left, the notice on the right as it is written, then its versions,
// revisions and exports. A saved announcement (?id=…) opens with its form and every version.

export type StudioInitial = LoadedAnnouncement;

export function AnnouncementStudio({ initial }: { initial?: StudioInitial }) {
  const t = useTranslations("announcements");
  const locale = useLocale() as Locale;
  const { state, generate, revise, select, load, reset } = useStudio(initial);
  const [form, setForm] = useState<Form>(() => initial?.form ?? emptyForm());
  const [tried, setTried] = useState(false);
  const errors = validateForm(form);
  const busy = state.status === "streaming" || state.status === "repairing";
  const selected = state.versions.find((v) => v.id === state.selectedId);
  const finished: Announcement | undefined = !busy && selected ? selected.content : undefined;

  // Every server render of the page brings its own `initial`: opening the same announcement again
  // from the list (after "new announcement" cleared it in place) shows it again.
  const [shown, setShown] = useState(initial);
  if (initial !== shown) {
    setShown(initial);
    if (initial) {
      load(initial);
      setForm(initial.form);
      setTried(false);
    }
  }

  const queryClient = useQueryClient();
  const router = useRouter();
  const openSaved = async (id: string) => {
    const url = `/announcements?id=${encodeURIComponent(id)}`;
    try {
      const found = await queryClient.fetchQuery({ ...announcementQuery(id), staleTime: 0 });
      load({ id, form: found.announcement.form, versions: found.versions });
      setForm(found.announcement.form);
      setTried(false);
      window.history.replaceState(null, "", url);
    } catch {
      router.push(url);
    }
  };

  // A blank studio in place (the address may already name the last announcement, so no navigation).
  const startOver = () => {
    reset();
    setForm(emptyForm());
    setTried(false);
    window.history.replaceState(null, "", "/announcements");
  };

  const onGenerate = () => {
    setTried(true);
    if (errors.length > 0) {
      document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus();
      return;
    }
    void generate(form);
  };

  return (
    <div className="min-h-dvh bg-background">
      <header className="border-b border-border bg-surface">
        <div className="mx-auto flex h-14 w-full max-w-6xl items-center gap-2 px-4">
          <h1 className="text-base font-semibold tracking-tight">{t("title")}</h1>
          <p className="hidden truncate text-sm text-muted-foreground md:block">{t("subtitle")}</p>
          <div className="ml-auto flex items-center gap-1">
            <Button variant="ghost" size="sm" data-testid="announcement-new" onClick={startOver}>
              {t("newAnnouncement")}
            </Button>
            <Link
              href="/"
              className="rounded-lg px-3 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground"
            >
              {t("backToChat")}
            </Link>
            <ThemeToggle />
            <LanguageSwitch />
          </div>
        </div>
      </header>

      <main className="mx-auto grid w-full max-w-6xl gap-6 px-4 py-6 lg:grid-cols-[minmax(0,400px)_minmax(0,1fr)]">
        <div className="flex flex-col gap-6">
          <section className="rounded-xl border border-border bg-surface p-4">
            <form
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                onGenerate();
              }}
              className="flex flex-col gap-5"
            >
              <AnnouncementForm form={form} errors={tried ? errors : []} onChange={setForm} />
              {tried && errors.length > 0 && (
                <p role="alert" data-testid="form-errors" className="text-sm text-danger-strong">
                  {t("errors.summary", { count: errors.length })}
                </p>
              )}
              <Button type="submit" data-testid="announcement-generate" disabled={busy}>
                {busy ? t("generating") : state.versions.length > 0 ? t("regenerate") : t("generate")}
              </Button>
            </form>
          </section>
          <HistoryList currentId={state.announcementId} onOpen={(id) => void openSaved(id)} />
        </div>

        {/* On wide screens the notice stays in view while the form scrolls. */}
        <div className="flex min-w-0 flex-col gap-4 lg:sticky lg:top-4 lg:self-start">
          <div
            role="status"
            aria-live="polite"
            data-testid="studio-status"
            data-status={state.status}
            className="min-h-5 text-sm"
          >
            {state.status === "repairing" && <span className="text-warning-foreground">{t("repairing")}</span>}
            {state.status === "error" && state.error && (
              <span className="text-danger-strong">{t("failed", { error: state.error.message[locale] })}</span>
            )}
            {state.status === "idle" && selected?.status === "fallback" && (
              <span data-testid="studio-fallback" className="text-warning-foreground">
                {t("fallback")}
              </span>
            )}
          </div>
          <NoticePreview notice={busy ? state.draft : (finished ?? state.draft)} streaming={busy} />
          <VersionList versions={state.versions} selectedId={state.selectedId} onSelect={select} />
          {selected && <ReviseBar disabled={busy} onRevise={revise} />}
          {finished && selected && state.announcementId && (
            <>
              <ExportBar notice={finished} announcementId={state.announcementId} versionId={selected.id} />
              <ChannelCounts notice={finished} />
            </>
          )}
        </div>
      </main>
    </div>
  );
}
