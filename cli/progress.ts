// A progress line for long waits: rewritten in place on a terminal, one line every few seconds otherwise
// (CI logs). Reads the stage and heartbeat details of the workflow's pending activity.
import type { WorkflowHandle } from '@temporalio/client';

interface Pending {
  activityType?: { name?: string | null } | null;
  heartbeatDetails?: { payloads?: { data?: Uint8Array | null }[] | null } | null;
}

function detailsOf(p: Pending): Record<string, unknown> {
  const data = p.heartbeatDetails?.payloads?.[0]?.data;
  if (!data) return {};
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function describeActivity(p: Pending): string {
  const name = p.activityType?.name ?? 'activity';
  const d = detailsOf(p);
  if (typeof d.decodedS === 'number') return `${name}: ${String(d.stage)} ${d.decodedS.toFixed(0)} s of media`;
  if (typeof d.bytes === 'number') return `${name}: ${String(d.stage)} ${(d.bytes / 1e6).toFixed(1)} MB`;
  return name;
}

export async function watchProgress(handle: WorkflowHandle, label: string, stream: NodeJS.WriteStream = process.stderr): Promise<() => void> {
  const started = Date.now();
  const tty = stream.isTTY === true;
  let stopped = false;
  let lastPrinted = 0;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    try {
      const d = await handle.describe();
      const pending = (d.raw.pendingActivities ?? []) as Pending[];
      const what = pending.length ? pending.map(describeActivity).join(', ') : d.status.name.toLowerCase();
      const line = `${label} · ${((Date.now() - started) / 1000).toFixed(0)} s · ${what}`;
      if (tty) stream.write(`\r\x1b[2K${line}`);
      else if (Date.now() - lastPrinted > 5000) {
        stream.write(`${line}\n`);
        lastPrinted = Date.now();
      }
    } catch {
      // Progress is best effort; the result wait reports real errors.
    }
  };
  const timer = setInterval(() => void tick(), 1000);
  await tick();
  return () => {
    stopped = true;
    clearInterval(timer);
    if (tty) stream.write('\r\x1b[2K');
  };
}
