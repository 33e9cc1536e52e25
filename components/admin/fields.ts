// Shared look of the admin screen's inputs and table cells.
export const inputClass =
  "h-9 rounded-lg border border-border bg-surface px-2.5 text-sm text-foreground placeholder:text-muted-foreground focus-visible:border-ring focus-visible:outline-none";
export const th = "px-3 py-2 text-left text-xs font-medium text-muted-foreground";
export const td = "px-3 py-2 align-middle";
export const num = (value: number) => value.toLocaleString("en-US");
