// Processes that must not outlive the one that started them (#18 part 5).
// - Engines (ffmpeg, ffprobe, the speech engine's Python): started through `setpriv --pdeathsig KILL`
//   (util-linux, on every Debian), so the kernel kills them when the worker or CLI dies, even by SIGKILL,
//   when no exit handler runs. Where setpriv is missing they start as before (exit handlers only).
// - The CLI: `watchParent` notices that the process that started it is gone (`timeout npx dualqa …` kills
//   npx, not dualqa) and ends this process too; its exit handlers stop what it started.
import * as fs from 'node:fs';

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

/** The command and arguments that start `command` so that it dies with this process. */
export function diesWithParent(command: string, args: readonly string[]): { command: string; args: string[] } {
  if (!SETPRIV || process.platform !== 'linux') return { command, args: [...args] };
  return { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}

/** This process's parent now (process.ppid is fixed at start-up). */
export function currentParentPid(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces): state, ppid, …
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

/**
 * Calls `onGone` once the parent this process started with is gone (re-parented to init or a subreaper,
 * or, where /proc is missing, no longer signalable). The timer does not keep the process alive.
 */
export function watchParent(onGone: () => void, everyMs = 1000): () => void {
  const original = process.ppid;
  if (original <= 1) return () => undefined;
  const gone = (): boolean => {
    const now = currentParentPid();
    if (now !== null) return now !== original;
    try {
      process.kill(original, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  };
  const timer = setInterval(() => {
    if (!gone()) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
