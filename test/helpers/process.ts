// Whether a process id is still taken, zombies included: what a test waiting for ESRCH has to wait on
// (stack/proc's pidAlive counts a zombie as gone, which is right for supervising, not for that).
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
