// Types for scripts/request-guard.mjs (plain Node, loaded by scripts/start.mjs without a build step).
export const MAX_URL_BYTES: number;
export function refuseLongUrl(url: string | undefined): { status: number; body: string } | undefined;
