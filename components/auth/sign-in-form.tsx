"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { createFirstAdmin, signInWithPassword, startSso, type AuthFailure } from "./auth-api";

const inputClass =
  "h-10 w-full rounded-xl border border-border bg-surface px-3 text-base text-foreground placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-3 focus-visible:ring-ring/20 focus-visible:outline-none";

export function SignInForm({
  firstRun,
  sso,
  next,
  ssoFailed,
}: {
  firstRun: boolean;
  sso: { providerId: string; name: string } | null;
  next: string;
  ssoFailed: boolean;
}) {
  const t = useTranslations("auth");
  const ids = { email: useId(), password: useId(), error: useId(), hint: useId() };
  const [failure, setFailure] = useState<AuthFailure | "sso" | null>(ssoFailed ? "sso" : null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    setPending(true);
    setFailure(null);
    const result = firstRun ? await createFirstAdmin(email, password) : await signInWithPassword(email, password);
    if (result.ok) {
      // A full load: every server component renders again with the new session.
      window.location.assign(next);
      return;
    }
    setFailure(result.reason);
    setPending(false);
  };

  const onSso = async () => {
    if (!sso) return;
    setPending(true);
    setFailure(null);
    const target = await startSso(sso.providerId, next);
    if (target.startsWith("http")) {
      window.location.assign(target);
      return;
    }
    setFailure(target as AuthFailure);
    setPending(false);
  };

  return (
    <div className="rounded-2xl border border-border bg-surface p-6 shadow-sm">
      <h2 className="text-lg font-semibold">{firstRun ? t("firstRunTitle") : t("title")}</h2>
      <p className="message-text mt-1 text-sm text-muted-foreground">{firstRun ? t("firstRunHint") : t("subtitle")}</p>
      <form className="mt-5 flex flex-col gap-4" onSubmit={onSubmit} aria-describedby={failure ? ids.error : undefined}>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={ids.email} className="text-sm font-medium">
            {t("email")}
          </label>
          <input
            id={ids.email}
            name="email"
            type="email"
            autoComplete="username"
            required
            data-testid="sign-in-email"
            className={inputClass}
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={ids.password} className="text-sm font-medium">
            {t("password")}
          </label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autoComplete={firstRun ? "new-password" : "current-password"}
            required
            minLength={firstRun ? 8 : undefined}
            aria-describedby={firstRun ? ids.hint : undefined}
            data-testid="sign-in-password"
            className={inputClass}
          />
          {firstRun && (
            <p id={ids.hint} className="text-xs text-muted-foreground">
              {t("passwordHint")}
            </p>
          )}
        </div>
        {failure && (
          <p
            id={ids.error}
            role="alert"
            data-testid="sign-in-error"
            data-reason={failure}
            className="message-text rounded-lg bg-danger-soft px-3 py-2 text-sm text-danger-strong"
          >
            {t(`errors.${failure}`)}
          </p>
        )}
        <Button type="submit" data-testid="sign-in-submit" disabled={pending} className="w-full">
          {pending ? t("submitting") : firstRun ? t("firstRunSubmit") : t("submit")}
        </Button>
      </form>
      {sso && !firstRun && (
        <>
          <div className="my-4 flex items-center gap-3 text-xs text-muted-foreground">
            <span className="h-px flex-1 bg-border" />
            {t("or")}
            <span className="h-px flex-1 bg-border" />
          </div>
          <Button variant="secondary" data-testid="sign-in-sso" className="w-full" disabled={pending} onClick={onSso}>
            {t("sso", { name: sso.name })}
          </Button>
        </>
      )}
      {!firstRun && <p className="mt-4 text-center text-xs text-muted-foreground">{t("noAccount")}</p>}
    </div>
  );
}
