"use client";

import { useLocale, useTranslations } from "next-intl";
import { AlertIcon, CloseIcon } from "@/components/ui/icons";
import { IconButton } from "@/components/ui/icon-button";
import { formatBytes } from "@/lib/images/limits";
import { cn } from "@/lib/utils";
import type { Attachment, AttachmentNotice } from "./attachments-state";
import type { Attachments } from "./use-attachments";

/** The composer's pending images (thumbnail, progress, remove) and the files that were refused. */
export function AttachmentTray({
  attachments,
  model,
  visionModel,
}: {
  attachments: Attachments;
  model: string | undefined;
  visionModel: string | undefined;
}) {
  const t = useTranslations("attachments");
  const { state, remove, dismiss } = attachments;
  if (state.items.length === 0 && state.notices.length === 0) return null;
  return (
    <div className="flex flex-col gap-2 px-1 pt-1">
      {state.notices.map((notice) => (
        <div
          key={notice.key}
          role="alert"
          data-testid="attachment-error"
          data-reason={notice.problem.reason}
          className="flex items-start gap-2 rounded-lg border border-danger/25 bg-danger-soft px-3 py-2 text-sm text-danger-strong"
        >
          <AlertIcon className="mt-0.5 shrink-0" />
          <NoticeText
            notice={notice}
            model={model}
            visionModel={visionModel}
            maxSourceBytes={attachments.settings.maxSourceBytes}
          />
          <IconButton
            label={t("dismiss")}
            icon={<CloseIcon />}
            size="icon-sm"
            align="end"
            className="-my-1 ml-auto size-6 text-danger-strong"
            onClick={() => dismiss(notice.key)}
          />
        </div>
      ))}
      {state.items.length > 0 && (
        <ul data-testid="attachment-tray" aria-label={t("tray")} className="flex flex-wrap gap-2">
          {state.items.map((item) => (
            <Thumbnail key={item.key} item={item} onRemove={() => remove(item.key)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function Thumbnail({ item, onRemove }: { item: Attachment; onRemove: () => void }) {
  const t = useTranslations("attachments");
  const percent = Math.round(item.progress * 100);
  const label =
    item.status === "preparing"
      ? t("preparing", { name: item.name })
      : item.status === "uploading"
        ? t("uploading", { name: item.name, percent })
        : t("ready", { name: item.name });
  return (
    <li
      data-testid="attachment"
      data-status={item.status}
      title={item.name}
      className="relative size-16 shrink-0 overflow-hidden rounded-lg border border-border bg-muted"
    >
      {item.preview ? (
        // eslint-disable-next-line @next/next/no-img-element -- a blob: preview, nothing for next/image to optimise
        <img
          src={item.preview}
          alt={label}
          className={cn("size-full object-cover", item.status !== "ready" && "opacity-60")}
        />
      ) : (
        <span role="img" aria-label={label} className="flex size-full items-center justify-center">
          <span className="size-5 animate-spin rounded-full border-2 border-muted-foreground/30 border-t-primary" />
        </span>
      )}
      {item.status === "uploading" && (
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="absolute inset-x-1.5 bottom-1.5 h-1 overflow-hidden rounded-full bg-surface/80"
        >
          <div className="h-full rounded-full bg-primary transition-[width]" style={{ width: `${percent}%` }} />
        </div>
      )}
      <button
        type="button"
        data-testid="attachment-remove"
        aria-label={t("remove", { name: item.name })}
        title={t("remove", { name: item.name })}
        onClick={onRemove}
        className="absolute top-0.5 right-0.5 flex size-5 cursor-pointer items-center justify-center rounded-full bg-tooltip/80 text-tooltip-foreground hover:bg-tooltip focus-visible:outline-2 focus-visible:outline-ring"
      >
        <CloseIcon width={12} height={12} />
      </button>
    </li>
  );
}

function NoticeText({
  notice,
  model,
  visionModel,
  maxSourceBytes,
}: {
  notice: AttachmentNotice;
  model: string | undefined;
  visionModel: string | undefined;
  maxSourceBytes: number;
}) {
  const t = useTranslations("attachments.errors");
  const locale = useLocale();
  const name = notice.names[0] ?? "";
  const names = notice.names.join(locale === "zh-CN" ? "、" : ", ");
  const { problem } = notice;
  let text: string;
  switch (problem.reason) {
    case "too_big":
      text = t("too_big", { name, limit: formatBytes(maxSourceBytes) });
      break;
    case "upload":
      text = t("upload", { name, detail: problem.error.message[locale === "en" ? "en" : "zh-CN"] });
      break;
    case "too_many":
      text = t("too_many", { limit: problem.limit, names });
      break;
    case "no_vision":
      text = t("no_vision", { model: model ?? "", visionModel: visionModel ?? "glm-5-1", names });
      break;
    default:
      text = t(problem.reason, { name });
  }
  return <span className="message-text min-w-0 flex-1">{text}</span>;
}
