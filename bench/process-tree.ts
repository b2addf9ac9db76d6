// Resident memory and CPU time of a process and all its descendants, read from /proc (Linux). A worker's
// ffmpeg decodes and its Python speech engine are children, so the worker's own VmHWM misses most of
// what one inspection costs.
//
// A sampler in another process also sees each child between fork and exec: a copy of the worker with the
// worker's command line whose RSS counts the worker's own pages again (copy-on-write, not new memory).
// Counted, those made one Node worker look like 1.3–1.5 GB in a long batch while its own RSS never
// passed 0.9 GB; they are left out.
import * as fs from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE_KB = 4;

export interface ProcStat {
  pid: number;
  ppid: number;
  name: string;
  /** utime + stime, seconds. */
  ownCpuS: number;
  /** cutime + cstime: children already exited and waited for, seconds. */
  reapedChildrenCpuS: number;
  rssMb: number;
  /** argv joined by NUL, '' when unreadable. */
  cmdline: string;
}

function readCmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}

/** A child that has not yet exec'd: same name and command line as its parent, sharing its pages. */
export function isUnexecedFork(child: Pick<ProcStat, 'name' | 'cmdline'>, parent: Pick<ProcStat, 'name' | 'cmdline'>): boolean {
  return child.name === parent.name && child.cmdline !== '' && child.cmdline === parent.cmdline;
}

function readStat(pid: number): ProcStat | null {
  try {
    // The command line first: a fork that execs between the two reads is then left out with a small RSS,
    // never counted with its parent's (read lazily, after the listing, most forks had exec'd: 9 of them
    // counted in the 3,000-spawn probe).
    const cmdline = readCmdline(pid);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the name, starting at field 3 (state): ppid is field 4, utime..cstime 14-17, rss 24.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = (i: number): number => Number(f[i - 3] ?? 0);
    return {
      pid,
      ppid: n(4),
      name,
      ownCpuS: (n(14) + n(15)) / CLOCK_TICKS,
      reapedChildrenCpuS: (n(16) + n(17)) / CLOCK_TICKS,
      rssMb: (n(24) * PAGE_KB) / 1024,
      cmdline,
    };
  } catch {
    return null; // exited between listing and reading
  }
}

/** The process `root` and every live descendant (forks that have not exec'd yet left out). */
export function processTree(root: number): ProcStat[] {
  const all = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((s): s is ProcStat => s !== null);
  return descendants(all, root);
}

/** `root` and its descendants among `all`, without children that are unexec'd forks of their parent. */
export function descendants(all: ProcStat[], root: number): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const rootStat = all.find((s) => s.pid === root);
  if (!rootStat) return [];
  const out: ProcStat[] = [];
  const stack = [rootStat];
  while (stack.length > 0) {
    const s = stack.pop()!;
    out.push(s);
    stack.push(...(children.get(s.pid) ?? []).filter((c) => !isUnexecedFork(c, s)));
  }
  return out;
}

/**
 * CPU seconds used so far by the tree: every live process's own time plus the root's reaped children
 * (ffmpeg runs that finished). A live child is not yet in its parent's reaped time, so nothing counts twice.
 */
export function treeCpuSeconds(root: number): number {
  const tree = processTree(root);
  return tree.reduce((sum, s) => sum + s.ownCpuS, 0) + tree.reduce((sum, s) => sum + s.reapedChildrenCpuS, 0);
}

export interface TreePeak {
  /** Largest sum of RSS over the tree seen at one sample. */
  totalMb: number;
  /** That sample, process by process (name → MB, summed per name). */
  atPeak: Record<string, number>;
  /** Largest RSS each process name reached on its own. */
  perName: Record<string, number>;
  samples: number;
}

/** Samples the tree's RSS every `everyMs` until stopped; returns the peaks. */
export function sampleTreeRss(root: number, everyMs = 500): { stop(): TreePeak } {
  const peak: TreePeak = { totalMb: 0, atPeak: {}, perName: {}, samples: 0 };
  const sample = (): void => {
    const tree = processTree(root);
    const byName: Record<string, number> = {};
    for (const s of tree) byName[s.name] = (byName[s.name] ?? 0) + s.rssMb;
    const total = tree.reduce((sum, s) => sum + s.rssMb, 0);
    for (const s of tree) peak.perName[s.name] = Math.max(peak.perName[s.name] ?? 0, s.rssMb);
    if (total > peak.totalMb) {
      peak.totalMb = total;
      peak.atPeak = byName;
    }
    peak.samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Busy and total jiffies of the whole machine (/proc/stat "cpu" line). */
export function machineCpu(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
