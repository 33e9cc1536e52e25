import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/** A small label for a capability or a number (e.g. "上下文 128K"). */
export function Badge({ className, ...props }: ComponentProps<"span">) {
  return (
    <span
      data-slot="badge"
      className={cn(
        "inline-flex items-center rounded-md border border-border bg-muted px-1.5 py-0.5 text-[11px] leading-none font-medium whitespace-nowrap text-muted-foreground",
        className,
      )}
      {...props}
    />
  );
}
