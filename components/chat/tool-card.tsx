"use client";

import type { DynamicToolUIPart } from "ai";
import { useTranslations } from "next-intl";
import { cn } from "@/lib/utils";

// A tool call as a compact card: what was called with which arguments, what came back (or the
// error), and how long it took. The calls of one step sit side by side.

const KNOWN = ["current_time", "calculate", "count_characters"] as const;
const isKnown = (name: string): name is (typeof KNOWN)[number] => (KNOWN as readonly string[]).includes(name);

function compact(value: unknown, max = 160): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text === undefined ? "" : text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A one-line reading of a known tool's result; the raw JSON otherwise. */
function useSummary() {
  const t = useTranslations("tools");
  return (part: DynamicToolUIPart): string => {
    if (part.state !== "output-available") return "";
    const out = (part.output ?? {}) as Record<string, unknown>;
    if (part.toolName === "calculate" && typeof out.result === "number") return `= ${out.result}`;
    if (part.toolName === "current_time" && typeof out.chinese === "string")
      return `${out.chinese}（${String(out.timeZone)}）`;
    if (part.toolName === "count_characters" && typeof out.characters === "number") {
      const channel = out.channel as { remaining: number | null; unit: string } | undefined;
      const counts = t("counts", { cjk: Number(out.cjk), words: Number(out.words), characters: out.characters });
      if (!channel || channel.remaining === null) return counts;
      return `${counts} · ${t(channel.unit === "bytes" ? "remainingBytes" : "remainingChars", { n: channel.remaining })}`;
    }
    return compact(part.output);
  };
}

export function ToolCard({ part }: { part: DynamicToolUIPart }) {
  const t = useTranslations("tools");
  const summary = useSummary();
  const failed = part.state === "output-error";
  const running = part.state === "input-available" || part.state === "input-streaming";
  const duration = (part.toolMetadata as { durationMs?: number } | undefined)?.durationMs;
  return (
    <div
      data-testid="tool-card"
      data-tool={part.toolName}
      data-state={failed ? "error" : running ? "running" : "done"}
      className={cn(
        "flex min-w-0 flex-col gap-1 rounded-xl border px-3 py-2 text-xs",
        failed ? "border-danger/40 bg-danger-soft" : "border-border bg-surface",
      )}
    >
      <div className="flex items-center gap-2">
        <span
          aria-hidden="true"
          className={cn(
            "size-2 shrink-0 rounded-full",
            failed ? "bg-danger" : running ? "animate-pulse bg-warning" : "bg-primary",
          )}
        />
        <span className="font-medium text-foreground">
          {isKnown(part.toolName) ? t(`names.${part.toolName}`) : part.toolName}
        </span>
        <code className="truncate font-mono text-muted-foreground">{part.toolName}</code>
        <span data-testid="tool-duration" className="ml-auto shrink-0 text-muted-foreground tabular-nums">
          {running ? t("running") : duration !== undefined ? t("duration", { ms: duration }) : null}
        </span>
      </div>
      <div className="min-w-0 font-mono break-all text-muted-foreground" data-testid="tool-input">
        {compact(part.input)}
      </div>
      {failed ? (
        <div data-testid="tool-error" className="text-danger-strong">
          {t("failed", { error: part.errorText ?? "" })}
        </div>
      ) : !running ? (
        <div data-testid="tool-output" className="min-w-0 font-medium break-all text-foreground">
          {summary(part)}
        </div>
      ) : null}
    </div>
  );
}

export function ToolCards({ tools }: { tools: DynamicToolUIPart[] }) {
  const t = useTranslations("tools");
  return (
    <div
      data-testid="tool-calls"
      role="group"
      aria-label={t("label", { count: tools.length })}
      className={cn("my-2 grid gap-2", tools.length > 1 && "sm:grid-cols-2")}
    >
      {tools.map((part) => (
        <ToolCard key={part.toolCallId} part={part} />
      ))}
    </div>
  );
}
