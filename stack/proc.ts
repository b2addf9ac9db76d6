// Child-process plumbing for the embedded servers: spawn with logs to a file, wait for a PID to really
// be gone, stop with SIGTERM then SIGKILL, and kill attached children if this process dies first.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ServerProcess {
  pid: number;
  /** Set for children of this process; detached servers started by another process have none. */
  child?: ChildProcess;
  detached: boolean;
  logFile: string;
  /** Resolves when the process has exited (children only; others are polled by waitForExit). */
  exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnServerOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Own process group, survives this process (for `stack up`). */
  detached: boolean;
  cwd?: string;
  /** Synchronous clean-up after an attached child is killed because this process exits. */
  cleanupOnExit?: () => void;
  /** Run the server as this user (a server that refuses root, started by root). */
  uid?: number;
  gid?: number;
}

// ---------------------------------------------------------------------------------------------------
// Children that must not outlive this process.

/** Attached children, each with a synchronous clean-up to run after killing it (e.g. stale sockets). */
const attached = new Map<ChildProcess, (() => void) | undefined>();
let handlersInstalled = false;

function killAttachedNow(): void {
  for (const [child, cleanup] of attached) {
    try {
      child.kill('SIGKILL');
      cleanup?.();
    } catch {
      // already gone
    }
  }
  attached.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles it (e.g. a Temporal worker shutting down gracefully, which still needs the
  // server): leave the servers up; the 'exit' handler kills them when the process does end.
  if (process.listenerCount(signal) > 1) return;
  // Nobody else: kill the servers, then die of the signal as if no handler had been installed.
  killAttachedNow();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAttachedNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

/** Servers started attached are SIGKILLed if this process exits (normally, by error, or by signal). */
export function registerAttached(child: ChildProcess, cleanup?: () => void): void {
  installExitHandlers();
  attached.set(child, cleanup);
  child.once('exit', () => attached.delete(child));
}

// ---------------------------------------------------------------------------------------------------

function sanitisedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

export function spawnServer(options: SpawnServerOptions): ServerProcess {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const fd = fs.openSync(options.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    fs.writeSync(fd, `\n--- ${new Date().toISOString()} starting ${path.basename(options.command)} (parent pid ${process.pid})\n`);
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: sanitisedEnv(options.env),
      stdio: ['ignore', fd, fd],
      detached: options.detached,
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
  } finally {
    fs.closeSync(fd);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // Also swallows the asynchronous 'error' event of a failed spawn (it would crash the process).
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${options.command} (missing or not executable)`);
  }
  if (options.detached) child.unref();
  else registerAttached(child, options.cleanupOnExit);
  return { pid: child.pid, child, detached: options.detached, logFile: options.logFile, exited };
}

/** True while the PID exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A zombie still answers kill(pid, 0); field 3 of /proc/<pid>/stat is its state.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return process.platform !== 'linux';
  }
}

/** The command line of a running PID (Linux), or undefined. */
export function pidCommandLine(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s) => s.length > 0);
  } catch {
    return undefined;
  }
}

/** PIDs of live processes whose command line satisfies `match` (Linux only; elsewhere none). */
export function findProcesses(match: (argv: string[]) => boolean): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = pidCommandLine(pid);
    if (argv && argv.length > 0 && match(argv) && pidAlive(pid)) found.push(pid);
  }
  return found;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the PID is gone; false on timeout. */
export async function waitForExit(proc: ServerProcess | number, timeoutMs: number): Promise<boolean> {
  const pid = typeof proc === 'number' ? proc : proc.pid;
  const exited = typeof proc === 'number' ? undefined : proc.child && proc.child.exitCode === null && proc.child.signalCode === null ? proc.exited : undefined;
  const deadline = Date.now() + timeoutMs;
  if (exited) {
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
    clearTimeout(timer);
    if (!done) return false;
  }
  while (pidAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  // A child of this process (e.g. a detached server stopped by the process that started it) lingers as
  // a zombie until the event loop reaps it; let that happen so the PID is really gone on return.
  while (pidExists(pid) && parentPid(pid) === process.pid && Date.now() < deadline) await sleep(20);
  return true;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentPid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * SIGTERM (or `first`), wait up to `graceMs` for the PID to exit, then SIGKILL and wait again. Resolves only once
 * the PID is gone, so a restart can never open the same database files as a dying server.
 */
export async function stopProcess(proc: ServerProcess | number, graceMs = 10_000, first: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = typeof proc === 'number' ? proc : proc.pid;
  if (!pidAlive(pid)) return;
  signal(pid, first);
  if (await waitForExit(proc, graceMs)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(proc, 10_000))) throw new Error(`pid ${pid} did not exit after SIGKILL`);
}

/** The last lines of a log file, for error messages when a server fails to start. */
export function logTail(file: string, lines = 15): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Polls `probe` until it succeeds or `timeoutMs` passes. Fails at once if the server process exits,
 * with the tail of its log in the error.
 */
export async function waitUntilReady(what: string, proc: ServerProcess | undefined, probe: () => Promise<void>, timeoutMs: number, intervalMs = 150): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (proc && !pidAlive(proc.pid)) {
      throw new ServerExitedError(`${what} (pid ${proc.pid}) exited during startup; log ${proc.logFile}:\n${logTail(proc.logFile)}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${what} not ready after ${timeoutMs} ms: ${reason}${proc ? `; log ${proc.logFile}:\n${logTail(proc.logFile)}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export class ServerExitedError extends Error {
  override name = 'ServerExitedError';
}

/** The start time of a PID in clock ticks since boot (Linux), to tell a PID from a later reuse of it. */
export function pidStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True while `pid` runs and, when `start` is given, is still the process that had that start time. */
export function isSameProcess(pid: number, start: string | undefined): boolean {
  return pidAlive(pid) && (start === undefined || pidStartTime(pid) === start);
}
