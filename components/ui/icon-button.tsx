import type { ReactNode } from "react";
import { cn } from "@/lib/utils";
import { Button, type ButtonProps } from "./button";

const sides = {
  top: "bottom-full mb-1.5",
  bottom: "top-full mt-1.5",
} as const;

const aligns = {
  center: "left-1/2 -translate-x-1/2",
  start: "left-0",
  end: "right-0",
} as const;

export type IconButtonProps = Omit<ButtonProps, "children" | "size"> & {
  /** The accessible name, also shown as the tooltip. */
  label: string;
  icon: ReactNode;
  size?: "icon-sm" | "icon-md" | "icon";
  side?: keyof typeof sides;
  align?: keyof typeof aligns;
};

/**
 * An icon-only button with a tooltip on hover and on keyboard focus (a `title` would not show on focus).
 * The tooltip is display:none until shown, so it never takes space or widens the page.
 */
export function IconButton({
  label,
  icon,
  variant = "ghost",
  size = "icon-sm",
  side = "top",
  align = "center",
  className,
  ...props
}: IconButtonProps) {
  return (
    <Button variant={variant} size={size} aria-label={label} className={cn("group/tip relative", className)} {...props}>
      {icon}
      <span
        aria-hidden="true"
        className={cn(
          "pointer-events-none absolute z-30 hidden rounded-md bg-tooltip px-2 py-1 text-xs font-normal whitespace-nowrap text-tooltip-foreground shadow-md",
          "group-hover/tip:block group-focus-visible/tip:block",
          sides[side],
          aligns[align],
        )}
      >
        {label}
      </span>
    </Button>
  );
}
