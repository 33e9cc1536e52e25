import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase, type TestDatabase } from "@/test/db";
import { cachedStatement, STATEMENT_CACHE_SIZE } from "./client";
import { prepared } from "./queries/sqlite-now";

// SQLite keeps one cache of prepared statements per connection, shared by Kysely's queries and the hot writes that
// run outside Kysely (lib/db/queries/sqlite-now.ts): a SQL text is prepared once, whichever asks first.

describe("the SQLite connection's prepared statements", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase("sqlite");
  }, 60_000);
  afterAll(() => t?.cleanup());

  const sqlite = () => t.db.sqlite!;
  const spyPrepare = () => vi.spyOn(sqlite(), "prepare");

  it("are one cache for Kysely's queries and the hot writes", async () => {
    const spy = spyPrepare();
    try {
      const query = t.db.kysely.selectFrom("messages").select("id").where("status", "=", "streaming").limit(7);
      const { sql } = query.compile();
      expect(await query.execute()).toEqual([]);
      const preparedByKysely = spy.mock.results.filter((_, i) => spy.mock.calls[i]![0] === sql);
      expect(preparedByKysely).toHaveLength(1);
      // The hot path's prepared() gets Kysely's statement, not a second one.
      expect(prepared(sqlite(), sql)).toBe(preparedByKysely[0]!.value);
      // And the other way round: Kysely runs the statement prepared() made first.
      const hot = 'select count(*) as "n" from "messages" where "user_id" = ?';
      const statement = prepared(sqlite(), hot);
      const viaKysely = await t.db.kysely.executeQuery({
        sql: hot,
        parameters: ["nobody"],
        query: { kind: "RawNode" } as never,
        queryId: { queryId: "statement-cache-test" },
      });
      expect(viaKysely.rows).toEqual([{ n: 0 }]);
      expect(spy.mock.calls.filter(([s]) => s === sql || s === hot)).toHaveLength(2);
      expect(cachedStatement(sqlite(), hot)).toBe(statement);
    } finally {
      spy.mockRestore();
    }
  });

  it("keep the most recently used texts when there are more than the cache holds", () => {
    const text = (i: number) => `select ${i} as "n"`;
    const first = prepared(sqlite(), text(0));
    const kept = prepared(sqlite(), text(1));
    for (let i = 2; i <= STATEMENT_CACHE_SIZE; i++) {
      prepared(sqlite(), text(i));
      // Text 1 is used all along: it stays while older ones go.
      if (i % 50 === 0) expect(prepared(sqlite(), text(1))).toBe(kept);
    }
    const spy = spyPrepare();
    try {
      expect(prepared(sqlite(), text(1))).toBe(kept);
      expect(spy).not.toHaveBeenCalled();
      // Text 0, unused since, was dropped: it is prepared again (and still runs).
      const again = prepared(sqlite(), text(0));
      expect(again).not.toBe(first);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(again.get()).toEqual({ n: 0 });
    } finally {
      spy.mockRestore();
    }
  });
});
