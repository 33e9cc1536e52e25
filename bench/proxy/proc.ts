// Linux /proc readers: CPU time and memory of a process tree, so each server is measured in isolation.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

const CLK_TCK = 100; // USER_HZ on Linux

interface Stat {
  pid: number;
  ppid: number;
  cpuMs: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: fields start after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pid, ppid, cpuMs: ((utime + stime) * 1000) / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** The pid and all its live descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (!s) continue;
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** User+system CPU milliseconds of the live processes of a tree (exited children are not counted). */
export function treeCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (readStat(pid)?.cpuMs ?? 0), 0);
}

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export const rssKb = (pids: number[]) => pids.reduce((s, p) => s + statusKb(p, "VmRSS"), 0);
export const hwmKb = (pids: number[]) => pids.reduce((s, p) => s + statusKb(p, "VmHWM"), 0);

/** Resets each process's peak RSS (VmHWM) so the next reading is the peak of this level only. */
export function resetPeakRss(pids: number[]): boolean {
  let ok = true;
  for (const pid of pids) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      ok = false;
    }
  }
  return ok;
}

export function machineInfo(): { cpus: number; model: string; memGiB: number } {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? "unknown";
  const cpus = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const memKb = Number(readFileSync("/proc/meminfo", "utf8").match(/^MemTotal:\s+(\d+)/m)?.[1] ?? 0);
  return { cpus, model, memGiB: Math.round((memKb / 1024 / 1024) * 10) / 10 };
}
