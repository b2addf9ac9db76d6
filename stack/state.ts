// What a stack writes down to find its servers again from another process: stack.json for the
// detached stack of `stack up` (pids, ports, endpoints; never secrets) and run/<name>.ports.json so a
// restart reuses last time's ports and clients keep their endpoints.
import * as fs from 'node:fs';

import { readJson, writeJson } from './json-file';
import { stackPaths, type StackPaths } from './layout';
import type { SeaweedPorts } from './seaweed';
import type { TemporalPorts } from './temporal';

/** A server as stack.json records it; the start time tells it from a later process reusing the PID. */
export interface RecordedServer {
  pid: number;
  pidStart?: string;
}

export interface StackState {
  version: 1;
  name: string;
  dataDir: string;
  startedAt: string;
  temporal: { pid: number; pidStart?: string; address: string; namespace: string; port: number; uiPort?: number; uiUrl?: string; dbFile: string; logFile: string };
  s3: { pid: number; pidStart?: string; endpoint: string; region: string; ports: SeaweedPorts; dir: string; logFile: string };
  /** Absent in a stack.json written before the catalogue moved to PostgreSQL (such a stack is restarted). */
  postgres?: { pid: number; pidStart?: string; port: number; dir: string; logFile: string };
}

export function readStackState(options: { dataDir?: string } = {}): StackState | undefined {
  const state = readJson<StackState>(stackPaths(options.dataDir, undefined).stateFile);
  return state?.version === 1 ? state : undefined;
}

export function writeStackState(paths: StackPaths, state: StackState): void {
  writeJson(paths.stateFile, state);
}

export function removeStackState(paths: StackPaths): void {
  fs.rmSync(paths.stateFile, { force: true });
}

export interface RememberedPorts {
  temporal?: TemporalPorts;
  s3?: SeaweedPorts;
  postgres?: { port: number };
}

export function readRememberedPorts(paths: StackPaths): RememberedPorts | undefined {
  return readJson<RememberedPorts>(paths.portsFile);
}

export function writeRememberedPorts(paths: StackPaths, ports: RememberedPorts): void {
  writeJson(paths.portsFile, ports);
}
