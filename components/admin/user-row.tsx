"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { adminRequest, type AdminUser } from "@/lib/query/admin";
import { inputClass, num, td } from "./fields";
import { useAdminAction } from "./use-admin-action";

const limitValue = (value: number | null) => (value === null ? "" : String(value));
const parseLimit = (value: FormDataEntryValue | null) => {
  const text = String(value ?? "").trim();
  return text === "" ? null : Math.max(0, Math.floor(Number(text)));
};

// One account: who, status, today's tokens, its limits (empty = default, 0 = unlimited), and the
// admin's actions: disable/enable, reset password.
export function UserRow({ user, self }: { user: AdminUser; self: boolean }) {
  const t = useTranslations("admin");
  const act = useAdminAction();
  const [resetting, setResetting] = useState(false);
  const url = `/api/admin/users/${encodeURIComponent(user.id)}`;

  const saveLimits = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void act(
      () =>
        adminRequest(url, "PATCH", {
          tokensPerDay: parseLimit(data.get("tokensPerDay")),
          maxConcurrent: parseLimit(data.get("maxConcurrent")),
        }),
      t("saved"),
    );
  };
  const resetPassword = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    if (
      await act(() => adminRequest(`${url}/password`, "POST", { password }), t("passwordReset", { email: user.email }))
    ) {
      setResetting(false);
    }
  };

  return (
    <tr
      data-testid="admin-user-row"
      data-email={user.email}
      data-banned={user.banned}
      className="border-b border-border last:border-0"
    >
      <td className={td}>
        <div className="font-medium">{user.email}</div>
        <div className="text-xs text-muted-foreground">
          {user.name} · {user.role === "admin" ? t("roleAdmin") : t("roleStaff")}
        </div>
      </td>
      <td className={td}>
        <Badge data-testid="user-status" className={user.banned ? "text-danger-strong" : undefined}>
          {user.banned ? t("disabled") : t("active")}
        </Badge>
      </td>
      <td className={`${td} text-right tabular-nums`} data-testid="user-used-today">
        {num(user.usedToday)}
      </td>
      <td className={td}>
        <form onSubmit={saveLimits} className="flex items-center gap-1.5">
          <input
            name="tokensPerDay"
            inputMode="numeric"
            aria-label={`${t("tokensPerDay")} · ${user.email}`}
            placeholder={t("default")}
            defaultValue={limitValue(user.tokensPerDay)}
            data-testid="limit-tokens"
            className={`${inputClass} w-28`}
          />
          <input
            name="maxConcurrent"
            inputMode="numeric"
            aria-label={`${t("maxConcurrent")} · ${user.email}`}
            placeholder={t("default")}
            defaultValue={limitValue(user.maxConcurrent)}
            data-testid="limit-concurrent"
            className={`${inputClass} w-16`}
          />
          <Button type="submit" variant="secondary" size="sm" data-testid="save-limits">
            {t("save")}
          </Button>
        </form>
      </td>
      <td className={td}>
        {resetting ? (
          <form onSubmit={resetPassword} className="flex items-center gap-1.5">
            <input
              name="password"
              required
              minLength={8}
              autoFocus
              aria-label={`${t("newPassword")} · ${user.email}`}
              placeholder={t("newPassword")}
              data-testid="new-password"
              className={`${inputClass} w-36`}
            />
            <Button type="submit" size="sm" data-testid="save-password">
              {t("save")}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => setResetting(false)}>
              {t("cancel")}
            </Button>
          </form>
        ) : (
          <div className="flex items-center gap-1.5">
            <Button variant="secondary" size="sm" data-testid="reset-password" onClick={() => setResetting(true)}>
              {t("resetPassword")}
            </Button>
            {!self && (
              <Button
                variant="secondary"
                size="sm"
                data-testid="toggle-banned"
                className={user.banned ? undefined : "text-danger-strong!"}
                onClick={() => void act(() => adminRequest(url, "PATCH", { banned: !user.banned }))}
              >
                {user.banned ? t("enable") : t("disable")}
              </Button>
            )}
          </div>
        )}
      </td>
    </tr>
  );
}
