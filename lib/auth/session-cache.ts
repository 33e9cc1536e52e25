import "server-only";

// requireUser's session lookups, remembered for a few seconds per session cookie: a page load or a
// burst of chat requests from one person costs one lookup (a signed-cookie check and two queries in
// better-auth) instead of one each. Any auth change in this process — sign-in, sign-out, ban, unban,
// password reset, session revoked (every better-auth endpoint but /get-session, see lib/auth/options.ts) —
// forgets everything at once. Another instance sharing a PostgreSQL database sees such a change after at
// most SESSION_CACHE_TTL_MS. Only sessions are remembered, never "no session".

export const SESSION_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 2_000;

interface Entry<T> {
  until: number;
  value: Promise<T | null>;
}

/** Per auth instance (tests run several), per Cookie header; dropped when `generation` moves on. */
const caches = new WeakMap<object, { generation: number; entries: Map<string, Entry<unknown>> }>();
let generation = 0;

/** Set by scripts/start.mjs: the chat worker's thread keeps a cache of its own and must forget too. */
export const SESSIONS_FORGOTTEN_HOOK = Symbol.for("glm-chat.sessions-forgotten");

/** Forgets every remembered session (called after every auth change). */
export function forgetSessions(): void {
  generation++;
  (globalThis as typeof globalThis & { [SESSIONS_FORGOTTEN_HOOK]?: () => void })[SESSIONS_FORGOTTEN_HOOK]?.();
}

export function cachedSession<T>(
  owner: object,
  cookie: string | null,
  load: () => Promise<T | null>,
  now = Date.now(),
): Promise<T | null> {
  if (!cookie) return load();
  let cache = caches.get(owner);
  if (cache?.generation !== generation) {
    cache = { generation, entries: new Map() };
    caches.set(owner, cache);
  }
  const entries = cache.entries as Map<string, Entry<T>>;
  const hit = entries.get(cookie);
  if (hit && hit.until > now) return hit.value;
  const startedAt = generation;
  const forget = () => {
    if (entries.get(cookie) === entry) entries.delete(cookie);
  };
  const value = load().then(
    (result) => {
      // Not remembered: no session, or an auth change happened while it was read.
      if (result === null || startedAt !== generation) forget();
      return result;
    },
    (err: unknown) => {
      forget();
      throw err;
    },
  );
  const entry: Entry<T> = { until: now + SESSION_CACHE_TTL_MS, value };
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(cookie, entry);
  return value;
}
