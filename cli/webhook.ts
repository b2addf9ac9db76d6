// `dualqa webhook serve`: the S3 notification receiver as a long-running command. The shared token
// comes from DUALQA_WEBHOOK_TOKEN (never a flag, so it stays out of shell history and `ps`).
import type { Command } from 'commander';
import { startLimitsFromEnv } from '../lib/config';
import { createLogger } from '../lib/logger';
import { startWebhookServer } from '../intake/webhook';
import { openSession } from './session';

export const WEBHOOK_TOKEN_ENV = 'DUALQA_WEBHOOK_TOKEN';

export function registerWebhookCommand(program: Command): void {
  const webhook = program.command('webhook').description('receive S3 event notifications (SeaweedFS filer webhook, MinIO, AWS records)');
  webhook
    .command('serve')
    .description(`start inspections when recordings or sidecars land (token from ${WEBHOOK_TOKEN_ENV}); workers run separately`)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8787')
    .option('--settle <seconds>', 'leave a recording without a sidecar to discovery until it is this old', '30')
    .action(async (opts: { host: string; port: string; settle: string }) => {
      const token = process.env[WEBHOOK_TOKEN_ENV]?.trim();
      if (!token) throw new Error(`set ${WEBHOOK_TOKEN_ENV} to the shared token the S3 server sends as "Authorization: Bearer <token>"`);
      const logger = createLogger('dualqa-webhook');
      const session = await openSession({ inlineWorkers: 'never', logger });
      try {
        const running = await startWebhookServer({
          client: session.client,
          s3: session.reader,
          recordingsBucket: session.info.buckets.recordings,
          token,
          settleS: Number(opts.settle),
          logger,
          limits: startLimitsFromEnv(),
          host: opts.host,
          port: Number(opts.port),
        });
        process.stdout.write(`webhook listening on ${running.url} for bucket ${session.info.buckets.recordings}\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await running.close();
      } finally {
        await session.close();
      }
    });
}
