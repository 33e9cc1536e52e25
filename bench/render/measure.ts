// Drives one variant in a fresh browser context like a person (type, Enter, watch the reply stream) and measures it:
// CDP Performance.getMetrics deltas, long animation frames, visible-text stalls against the bytes' arrival at the
// page's front door, last byte → final text, and fidelity of the final DOM.
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { BENCH_USER } from "./app";
import type { Corpus } from "./corpus";
import type { LoafRecord, ProbeApi, ProbeResult } from "./probe";
import { epochNow, type ChatTrace, type FrontDoor } from "./serve";

export interface FidelityResult {
  tables: { got: number; want: number; ok: boolean };
  code: { got: number; want: number; ok: boolean };
  inlineMath: { got: number; want: number; ok: boolean };
  displayMath: { got: number; want: number; ok: boolean };
  cjkBold: { got: number; want: number; ok: boolean; missing: string[] };
  /** No literal `**` left in the rendered text outside code. */
  noStrayAsterisks: { got: number; ok: boolean };
  /** Every Chinese character of the reply is on screen, in order. */
  textComplete: { missingHan: number; extraHan: number; ok: boolean };
  ok: boolean;
}

export interface VariantResult {
  name: string;
  url: string;
  streamSeconds: number;
  metrics: { script: number; task: number; style: number; layout: number };
  loaf: { count: number; over50: number; maxBlocking: number; maxDuration: number; afterStream: number };
  longestStallMs: number;
  stallAtS: number;
  /** Last byte of the response → the final text on screen (≤ 0 means it was already final). */
  lastByteToFinalMs: number;
  /** The same, from the moment the page's own reader got the last chunk (excludes main-thread queueing). */
  pageLastByteToFinalMs: number | null;
  visibleUpdates: number;
  domNodes: number;
  fidelity: FidelityResult;
  notes: string[];
  /** The longest-blocking frames with their script attribution (seconds from the first byte). */
  worstFrames: Array<{ atS: number; duration: number; blocking: number; scripts: NonNullable<LoafRecord["scripts"]> }>;
  /** Page clock minus this process's clock (ms), measured before sending; both derive from the system clock. */
  clockOffsetMs: number;
  /** The machine's 5-minute load average when the variant finished (2 CPUs: above ~2 means contention). */
  load?: number;
}

export interface MeasureOptions {
  browser: Browser;
  name: string;
  door: FrontDoor;
  path: string;
  corpus: Corpus;
  prompt: string;
  throttle: number;
  /** Queues the scripted reply in the simulator. */
  script(): Promise<void>;
  /** Called with the CDP session right before sending and after settling (profiling hooks). */
  beforeSend?(cdp: CDPSession): Promise<void>;
  afterSettle?(cdp: CDPSession): Promise<void>;
  probeSource: string;
  expectedStreamSeconds: number;
}

type Metrics = Record<string, number>;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Offset to add to an epoch-ms time of this process to get the page's performance.now(). */
async function clockOffset(page: Page): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 7; i++) {
    const before = epochNow();
    const pageNow = await page.evaluate(() => performance.now());
    const after = epochNow();
    if (after - before < best.rtt) best = { rtt: after - before, offset: pageNow - (before + after) / 2 };
  }
  return best.offset;
}

const HAN = /[\u4e00-\u9fff]/g;

function compareHan(want: string, got: string): { missingHan: number; extraHan: number } {
  const w = want.match(HAN) ?? [];
  const g = got.match(HAN) ?? [];
  // Greedy subsequence match: every wanted character in order; UI labels may add extra ones.
  let j = 0;
  let matched = 0;
  for (const ch of w) {
    while (j < g.length && g[j] !== ch) j++;
    if (j >= g.length) break;
    matched++;
    j++;
  }
  return { missingHan: w.length - matched, extraHan: g.length - matched };
}

/** Longest time bytes with new text waited at the front door before any visible change, within the stream. */
function longestStall(bytes: number[], frames: number[], lastByte: number): { ms: number; at: number } {
  let worst = { ms: 0, at: 0 };
  let pendingSince: number | null = null;
  let fi = 0;
  for (const b of bytes) {
    // Frames before this byte resolve any earlier pending bytes.
    while (fi < frames.length && (frames[fi] as number) < b) {
      if (pendingSince !== null) {
        const ms = Math.min(frames[fi] as number, lastByte) - pendingSince;
        if (ms > worst.ms) worst = { ms, at: pendingSince };
        pendingSince = null;
      }
      fi++;
    }
    pendingSince ??= b;
  }
  if (pendingSince !== null) {
    const next = frames[fi] ?? lastByte;
    const ms = Math.min(next, lastByte) - pendingSince;
    if (ms > worst.ms) worst = { ms, at: pendingSince };
  }
  return worst;
}

async function fidelity(page: Page, corpus: Corpus): Promise<{ f: FidelityResult; text: string; nodes: number }> {
  const raw = await page.evaluate((codeFirstLines) => {
    const root = window.__renderBench.content();
    if (!root) return null;
    const pres = Array.from(root.querySelectorAll("pre")).filter((p) => !p.parentElement?.closest("pre"));
    const codeHits = codeFirstLines.filter((line) => pres.some((p) => (p.textContent ?? "").includes(line))).length;
    const katex = Array.from(root.querySelectorAll(".katex"));
    const display = root.querySelectorAll(".katex-display").length;
    const inline = katex.filter((k) => !k.closest(".katex-display")).length;
    // Bold is what the reader sees: <strong>/<b>, or any leaf element rendered at weight ≥ 600 (Streamdown uses a
    // <span class="font-semibold">).
    const strongs = Array.from(root.querySelectorAll("*"))
      .filter(
        (el) =>
          el.matches("strong, b") ||
          (el.childElementCount === 0 &&
            !el.closest("pre, code, .katex, th") &&
            Number(getComputedStyle(el).fontWeight) >= 600),
      )
      .map((s) => (s.textContent ?? "").trim());
    // Text outside code and math, to look for markdown syntax left unrendered.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let prose = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent?.closest("pre, code, .katex")) continue;
      prose += n.textContent ?? "";
    }
    return {
      tables: root.querySelectorAll("table").length,
      pres: pres.length,
      codeHits,
      inline,
      display,
      strongs,
      stray: (prose.match(/\*\*/g) ?? []).length,
      text: root.textContent ?? "",
      nodes: root.getElementsByTagName("*").length,
    };
  }, corpus.expect.codeFirstLines);
  const e = corpus.expect;
  if (!raw) throw new Error("no assistant message on the page");
  const strongSet = new Map<string, number>();
  for (const s of raw.strongs) strongSet.set(s, (strongSet.get(s) ?? 0) + 1);
  const missing: string[] = [];
  for (const b of e.cjkBold) {
    const left = strongSet.get(b) ?? 0;
    if (left > 0) strongSet.set(b, left - 1);
    else missing.push(b);
  }
  const han = compareHan(corpus.text, raw.text);
  const f: FidelityResult = {
    tables: { got: raw.tables, want: e.tables, ok: raw.tables === e.tables },
    code: {
      got: Math.min(raw.pres, raw.codeHits),
      want: e.codeBlocks,
      ok: raw.pres === e.codeBlocks && raw.codeHits === e.codeBlocks,
    },
    inlineMath: { got: raw.inline, want: e.inlineMath, ok: raw.inline === e.inlineMath },
    displayMath: { got: raw.display, want: e.displayMath, ok: raw.display === e.displayMath },
    cjkBold: { got: e.cjkBold.length - missing.length, want: e.cjkBold.length, ok: missing.length === 0, missing },
    noStrayAsterisks: { got: raw.stray, ok: raw.stray === 0 },
    textComplete: { ...han, ok: han.missingHan === 0 && raw.text.includes(e.ending) },
    ok: false,
  };
  f.ok = [f.tables, f.code, f.inlineMath, f.displayMath, f.cjkBold, f.noStrayAsterisks, f.textComplete].every(
    (c) => c.ok,
  );
  return { f, text: raw.text, nodes: raw.nodes };
}

/**
 * Signs the context in when the app has accounts (better-auth under /api/auth): the startup admin, or — on builds
 * that do not seed one — the first account of the fresh database. Builds without accounts answer 404 and are used
 * as they are.
 */
async function signIn(context: BrowserContext, base: string, notes: string[]): Promise<void> {
  const post = (path: string, data: object) =>
    context.request.post(base + path, { data, headers: { origin: base }, failOnStatusCode: false });
  const first = await post("/api/auth/sign-in/email", { email: BENCH_USER.email, password: BENCH_USER.password });
  if (first.ok() || first.status() === 404) return;
  const up = await post("/api/auth/sign-up/email", BENCH_USER);
  if (up.ok()) return;
  notes.push(`could not sign in (${first.status()}) or sign up (${up.status()})`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureVariant(o: MeasureOptions): Promise<VariantResult> {
  const notes: string[] = [];
  const context = await o.browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  try {
    await context.addInitScript({ content: o.probeSource });
    await signIn(context, o.door.url, notes);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: o.throttle });
    await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
    await page.goto(o.door.url + o.path, { waitUntil: "load", timeout: 120_000 });
    const input = page.locator('[data-testid="chat-input"]');
    await input.waitFor({ timeout: 60_000 });
    await input.fill(o.prompt);
    // The app's composer only sends once the model list has arrived (its send button is then enabled).
    const sendButton = page.locator('[data-testid="send-button"]');
    if ((await sendButton.count()) > 0) await page.waitForSelector('[data-testid="send-button"]:not([disabled])');
    await sleep(1500); // let hydration and first paints settle under throttling
    const offset = await clockOffset(page);
    await o.script();
    await o.beforeSend?.(cdp);

    const tracesBefore = o.door.traces.length;
    const m0 = await metrics(cdp);
    await page.evaluate(() => window.__renderBench.mark());
    await input.press("Enter");
    const user = page.locator('[data-testid="message"][data-role="user"]');
    await user.first().waitFor({ timeout: 15_000 });

    // While the reply streams, nothing touches the page: the end is watched at the front door.
    const streamDeadline = Date.now() + (o.expectedStreamSeconds * 2 + 120) * 1000;
    while (o.door.traces[tracesBefore]?.endAt == null) {
      if (Date.now() > streamDeadline) throw new Error(`${o.name}: the reply did not finish in time`);
      await sleep(200);
    }
    const assistantDone = '[data-testid="message"][data-role="assistant"][data-status="done"]';
    await page.waitForSelector(assistantDone, { timeout: 60_000 });
    // Settle: no visible change and no long frame for 2 s (catches work scheduled after the stream).
    const settleDeadline = Date.now() + 30_000;
    for (;;) {
      const quiet = await page.evaluate(() => {
        const now = performance.now();
        const r = window.__renderBench.result();
        const lastLoaf = r.loaf.reduce((m, l) => Math.max(m, l.start + l.duration), 0);
        return now - Math.max(window.__renderBench.lastChangeAt(), lastLoaf);
      });
      if (quiet > 2000) break;
      if (Date.now() > settleDeadline) {
        notes.push("still changing 30 s after the stream ended");
        break;
      }
      await sleep(250);
    }
    const m1 = await metrics(cdp);
    await o.afterSettle?.(cdp);

    const trace: ChatTrace | undefined = o.door.traces[tracesBefore];
    if (!trace || trace.endAt === null) throw new Error(`${o.name}: no complete /api/chat response was seen`);
    const toPage = (t: number) => t + offset;
    const textBytes = trace.chunks.filter((c) => c.text).map((c) => toPage(c.t));
    const lastByte = toPage((trace.chunks.at(-1) ?? { t: trace.endAt }).t);
    const firstByte = textBytes[0] ?? lastByte;

    const probe = await page.evaluate(() => {
      const r: ProbeResult = window.__renderBench.result();
      const final = window.__renderBench.content()?.textContent ?? "";
      // The first post-stream snapshot from which the text never changed again.
      let i = r.after.length;
      while (i > 0 && r.after[i - 1]!.text === final) i--;
      return {
        sendAt: r.sendAt,
        frames: r.frames,
        loaf: r.loaf,
        after: r.after.map((a) => ({ t: a.t, final: a.text === final })),
        finalFromIndex: i,
        streamEndAt: r.streamEndAt,
        pageLastByteAt: r.lastByteAt,
      };
    });
    const frames = probe.frames.filter((t) => t >= probe.sendAt);
    let finalAt: number;
    if (probe.finalFromIndex === 0) {
      // Already final when the stream ended: the last change at or before that moment.
      const end = probe.streamEndAt ?? lastByte;
      finalAt = frames.filter((t) => t <= end).at(-1) ?? end;
    } else {
      finalAt = probe.after[probe.finalFromIndex]?.t ?? frames.at(-1) ?? lastByte;
    }
    const stall = longestStall(textBytes, frames, lastByte);
    const windowEnd = await page.evaluate(() => performance.now());
    const loaf = probe.loaf.filter((l) => l.start >= probe.sendAt && l.start <= windowEnd);
    const { f, nodes } = await fidelity(page, o.corpus);
    if (f.textComplete.extraHan > 0) notes.push(`${f.textComplete.extraHan} Chinese characters beyond the reply's own`);

    const d = (k: string) => (m1[k] ?? 0) - (m0[k] ?? 0);
    return {
      name: o.name,
      url: o.door.url + o.path,
      streamSeconds: (lastByte - firstByte) / 1000,
      metrics: {
        script: d("ScriptDuration"),
        task: d("TaskDuration"),
        style: d("RecalcStyleDuration"),
        layout: d("LayoutDuration"),
      },
      loaf: {
        count: loaf.length,
        over50: loaf.filter((l) => l.blocking > 50).length,
        maxBlocking: Math.max(0, ...loaf.map((l) => l.blocking)),
        maxDuration: Math.max(0, ...loaf.map((l) => l.duration)),
        afterStream: loaf.filter((l) => l.start + l.duration > lastByte).length,
      },
      longestStallMs: stall.ms,
      stallAtS: (stall.at - firstByte) / 1000,
      lastByteToFinalMs: finalAt - lastByte,
      pageLastByteToFinalMs: probe.pageLastByteAt === null ? null : finalAt - probe.pageLastByteAt,
      visibleUpdates: frames.filter((t) => t >= firstByte && t <= lastByte).length,
      domNodes: nodes,
      fidelity: f,
      notes,
      clockOffsetMs: offset + (await page.evaluate(() => performance.timeOrigin)),
      worstFrames: [...loaf]
        .sort((x, y) => y.blocking - x.blocking)
        .slice(0, 8)
        .map((l) => ({
          atS: (l.start - firstByte) / 1000,
          duration: l.duration,
          blocking: l.blocking,
          scripts: l.scripts ?? [],
        })),
    };
  } finally {
    await context.close();
  }
}

export type { ProbeApi };
