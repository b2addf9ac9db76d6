// SeaweedFS pushes filer events to the dualqa webhook when a notification.toml with a
// [notification.webhook] section sits in its working folder (the embedded server runs in its data
// folder). Written from DUALQA_S3_WEBHOOK_URL + DUALQA_WEBHOOK_TOKEN; removed when they are unset, so
// a stale endpoint is never called.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const NOTIFICATION_FILE = 'notification.toml';

export interface SeaweedWebhookTarget {
  url: string;
  token: string;
  /** Only events under these buckets are sent (the filer would send every write otherwise). */
  buckets: string[];
}

const tomlString = (s: string) => JSON.stringify(s);

export function seaweedNotificationToml(target: SeaweedWebhookTarget): string {
  return [
    '# Written by dualqa: filer events of the recordings bucket go to the dualqa webhook.',
    '[notification.webhook]',
    'enabled = true',
    `endpoint = ${tomlString(target.url)}`,
    `bearer_token = ${tomlString(target.token)}`,
    'max_retries = 5',
    'backoff_seconds = 2',
    `path_prefixes = [${target.buckets.map((b) => tomlString(`/buckets/${b}/`)).join(', ')}]`,
    '',
  ].join('\n');
}

export function webhookTargetFromEnv(env: NodeJS.ProcessEnv, recordingsBucket: string): SeaweedWebhookTarget | undefined {
  const url = env.DUALQA_S3_WEBHOOK_URL?.trim();
  const token = env.DUALQA_WEBHOOK_TOKEN?.trim();
  if (!url) return undefined;
  if (!token) throw new Error('DUALQA_S3_WEBHOOK_URL is set: DUALQA_WEBHOOK_TOKEN is required too');
  return { url, token, buckets: [recordingsBucket] };
}

/** Writes (0600: it holds the token) or removes <dir>/notification.toml. */
export function configureSeaweedNotification(dir: string, target: SeaweedWebhookTarget | undefined): void {
  const file = path.join(dir, NOTIFICATION_FILE);
  if (!target) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, seaweedNotificationToml(target), { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
