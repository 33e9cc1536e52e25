// Token counts as people read them on badges and meters: 131072 → "128K", 1048576 → "1M".

const K = 1024;

export function formatTokenCount(count: number): string {
  if (count >= K * K) return `${trim(count / (K * K))}M`;
  if (count >= K) return `${trim(count / K)}K`;
  return String(Math.round(count));
}

/** Whole numbers stay whole (128K); others keep one decimal (1.5K), never a trailing ".0". */
function trim(value: number): string {
  return value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, "");
}
