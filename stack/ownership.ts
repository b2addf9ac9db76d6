// Servers must not outlive what started them. proc.ts kills attached servers when their owner exits or
// is signalled, but a SIGKILLed or OOM-killed owner runs no handler: run/<name>.owner.json records which
// process owns which servers, so the next start on the data dir stops the orphans. Detached servers are
// recorded in stack.json instead and stopped from there.
import * as fs from 'node:fs';

import { readJson, writeJson } from './json-file';
import type { StackPaths } from './layout';
import { isSameProcess, pidAlive, pidStartTime, stopProcess } from './proc';
import type { RecordedServer } from './state';

interface OwnerFile {
  ownerPid: number;
  ownerStart?: string;
  servers: { pid: number; start?: string }[];
}

/** Stops the servers of an owner that died; `afterReaping` then clears what they left (e.g. sockets). */
export async function reapOrphans(paths: StackPaths, log: (m: string) => void, afterReaping: () => void): Promise<void> {
  const owner = readJson<OwnerFile>(paths.ownerFile);
  if (!owner) return;
  // A live owner (this process included) still runs them: not orphans. Starting again on the same files
  // then fails with a clear "in use" error instead of killing someone's servers.
  if (isSameProcess(owner.ownerPid, owner.ownerStart)) return;
  const orphans = owner.servers.filter((s) => isSameProcess(s.pid, s.start));
  for (const s of orphans) log(`stopping orphaned server pid ${s.pid} left by dead process ${owner.ownerPid}`);
  await Promise.all(orphans.map((s) => stopProcess(s.pid, 5_000)));
  if (orphans.length > 0) afterReaping();
  fs.rmSync(paths.ownerFile, { force: true });
}

/** Records this process as the owner of `pids` (with any of its earlier servers still alive). */
export function recordOwned(paths: StackPaths, pids: number[]): void {
  const existing = readJson<OwnerFile>(paths.ownerFile);
  const servers = existing && existing.ownerPid === process.pid ? existing.servers.filter((s) => pidAlive(s.pid)) : [];
  for (const pid of pids) servers.push({ pid, start: pidStartTime(pid) });
  writeJson(paths.ownerFile, { ownerPid: process.pid, ownerStart: pidStartTime(process.pid), servers } satisfies OwnerFile);
}

/** Drops `pids` (stopped by their owner) from the record; removes it when nothing is left. */
export function forgetOwned(paths: StackPaths, pids: number[]): void {
  const existing = readJson<OwnerFile>(paths.ownerFile);
  if (!existing || existing.ownerPid !== process.pid) return;
  const servers = existing.servers.filter((s) => !pids.includes(s.pid) && pidAlive(s.pid));
  if (servers.length === 0) fs.rmSync(paths.ownerFile, { force: true });
  else writeJson(paths.ownerFile, { ...existing, servers });
}

/**
 * Stops (SIGTERM, SIGKILL after 10 s) those recorded servers that are still the processes recorded, never
 * a later process reusing the PID, and waits until they are gone. Returns the PIDs it stopped.
 */
export async function stopRecorded(servers: RecordedServer[]): Promise<number[]> {
  const live = servers.filter((s) => isSameProcess(s.pid, s.pidStart));
  await Promise.all(live.map((s) => stopProcess(s.pid)));
  return live.map((s) => s.pid);
}
