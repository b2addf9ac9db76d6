// Where an analysis spends its time, stage by stage, without passing a profiler through domain code: an
// activity runs its work inside `withProfile`, and any code below it marks a stage with `stage(name, run)`
// (or adds a measured figure with `addStage`); outside a profile both cost nothing.
//
// Each stage keeps its wall time, its calls, and the CPU the process used meanwhile: Node's own user+sys
// (process.cpuUsage) plus the children reaped during the stage (/proc/self/stat cutime+cstime: an ffmpeg
// run that ended in it). That CPU is the process's, not the stage's: it is the stage's cost when nothing
// else runs in the process (a worker serving one half, stages in sequence). Stages nested or running side
// by side (taps of one decode) keep their wall time; their CPU is left out (`cpu: false`).
import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';

export interface StageTime {
  /** Wall time, ms (summed over calls). */
  ms: number;
  calls: number;
  /** CPU of the process (and of children reaped meanwhile) over the stage, ms; absent when not measured. */
  cpuMs?: number;
}

/** Stage name → time, in the order stages first ran. */
export type StageProfile = Record<string, StageTime>;

const store = new AsyncLocalStorage<StageProfile>();

/** Runs `run` with a fresh profile; returns its result and the profile (also when it throws: `onDone`). */
export async function withProfile<T>(run: () => Promise<T>, onDone?: (profile: StageProfile) => void): Promise<{ value: T; profile: StageProfile }> {
  const profile: StageProfile = {};
  try {
    const value = await store.run(profile, run);
    return { value, profile };
  } finally {
    onDone?.(profile);
  }
}

/** The profile of the running analysis, if any. */
export function currentProfile(): StageProfile | undefined {
  return store.getStore();
}

/** Adds a figure measured elsewhere (e.g. by a child process) to the current profile's stage. */
export function addStage(name: string, ms: number, cpuMs?: number, calls = 1): void {
  const profile = store.getStore();
  if (!profile) return;
  const s = (profile[name] ??= { ms: 0, calls: 0 });
  s.ms = round1(s.ms + ms);
  s.calls += calls;
  if (cpuMs !== undefined) s.cpuMs = round1((s.cpuMs ?? 0) + cpuMs);
}

/** User+sys CPU of this process and of its reaped children, ms. */
export function processCpuMs(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 (cutime, cstime) in clock ticks (100 per second on Linux).
    children = (Number(f[13] ?? 0) + Number(f[14] ?? 0)) * 10;
  } catch {
    // not Linux: Node's own CPU only
  }
  return (own.user + own.system) / 1000 + children;
}

/**
 * Times `run` as stage `name` of the current profile. `cpu: false` for a stage that runs beside others
 * in the same process (its CPU would include theirs).
 */
export async function stage<T>(name: string, run: () => Promise<T> | T, options: { cpu?: boolean } = {}): Promise<T> {
  if (!store.getStore()) return run();
  const cpu = options.cpu !== false;
  const c0 = cpu ? processCpuMs() : 0;
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    addStage(name, performance.now() - t0, cpu ? processCpuMs() - c0 : undefined);
  }
}

/** Starts stage `name` now; the returned function ends it (for a stage that is not one call). */
export function stageTimer(name: string, options: { cpu?: boolean } = {}): () => void {
  if (!store.getStore()) return () => undefined;
  const cpu = options.cpu !== false;
  const c0 = cpu ? processCpuMs() : 0;
  const t0 = performance.now();
  return () => addStage(name, performance.now() - t0, cpu ? processCpuMs() - c0 : undefined);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
