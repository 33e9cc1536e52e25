"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { adminRequest } from "@/lib/query/admin";
import { inputClass } from "./fields";
import { useAdminAction } from "./use-admin-action";

// A new staff account (or another admin): email, name, an initial password to hand over.
export function CreateUserForm() {
  const t = useTranslations("admin");
  const act = useAdminAction();
  const id = useId();
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    setPending(true);
    const ok = await act(
      () =>
        adminRequest("/api/admin/users", "POST", {
          email,
          name: String(data.get("name") ?? "").trim() || undefined,
          password: String(data.get("password") ?? ""),
          role: data.get("role") === "admin" ? "admin" : "user",
        }),
      t("created", { email }),
    );
    setPending(false);
    if (ok) form.reset();
  };

  return (
    <form data-testid="create-user-form" onSubmit={onSubmit} className="flex flex-wrap items-end gap-2">
      <label className="flex flex-col gap-1 text-xs text-muted-foreground" htmlFor={`${id}-email`}>
        {t("email")}
        <input
          id={`${id}-email`}
          name="email"
          type="email"
          required
          data-testid="new-user-email"
          className={`${inputClass} w-56`}
        />
      </label>
      <label className="flex flex-col gap-1 text-xs text-muted-foreground" htmlFor={`${id}-name`}>
        {t("name")}
        <input id={`${id}-name`} name="name" data-testid="new-user-name" className={`${inputClass} w-32`} />
      </label>
      <label className="flex flex-col gap-1 text-xs text-muted-foreground" htmlFor={`${id}-password`}>
        {t("password")}
        <input
          id={`${id}-password`}
          name="password"
          type="text"
          autoComplete="off"
          required
          minLength={8}
          data-testid="new-user-password"
          className={`${inputClass} w-40`}
        />
      </label>
      <label className="flex flex-col gap-1 text-xs text-muted-foreground" htmlFor={`${id}-role`}>
        {t("role")}
        <select id={`${id}-role`} name="role" data-testid="new-user-role" className={inputClass}>
          <option value="user">{t("roleStaff")}</option>
          <option value="admin">{t("roleAdmin")}</option>
        </select>
      </label>
      <Button type="submit" size="sm" className="h-9" disabled={pending} data-testid="create-user">
        {t("create")}
      </Button>
    </form>
  );
}
