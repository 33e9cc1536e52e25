import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SignInForm } from "@/components/auth/sign-in-form";
import { LanguageSwitch } from "@/components/language-switch";
import { ThemeToggle } from "@/components/theme-toggle";
import { getSession, publicAuthConfig } from "@/lib/auth";
import { safeNextPath } from "@/lib/auth/cookie";
import { ensureDatabase } from "@/lib/db";
import { adminExists } from "@/lib/db/queries/accounts";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const [t, tApp] = await Promise.all([getTranslations("auth"), getTranslations("app")]);
  return { title: `${t("title")} · ${tApp("name")}` };
}

// The one page open to everyone. On a fresh install (no admin yet) it offers to create the admin.
export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[]; error?: string | string[] }>;
}) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === "string" ? params.next : undefined);
  const session = await getSession(await headers()).catch(() => null);
  if (session && !session.user.banned) redirect(next);
  const firstRun = !(await adminExists(await ensureDatabase()));
  const t = await getTranslations("app");
  return (
    <main className="flex min-h-dvh flex-col">
      <div className="flex justify-end gap-1 p-2">
        <ThemeToggle />
        <LanguageSwitch />
      </div>
      <div className="flex flex-1 items-start justify-center px-4 pt-[8vh] pb-12">
        <div className="w-full max-w-sm">
          <h1 className="mb-6 text-center text-2xl font-semibold tracking-tight">{t("name")}</h1>
          <SignInForm
            firstRun={firstRun}
            sso={publicAuthConfig().sso}
            next={next}
            ssoFailed={params.error !== undefined}
          />
        </div>
      </div>
    </main>
  );
}
