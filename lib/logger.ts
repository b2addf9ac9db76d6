// JSON logs (pino). Secrets are redacted by path and every message is masked for personal numbers, so
// nothing a recording or a sidecar carries reaches a log whole.
import pino, { type Logger } from 'pino';
import { maskText } from './mask';

export type { Logger };

const REDACT = ['secretKey', 'accessKey', '*.secretKey', '*.accessKey', '*.*.secretKey', 'password', '*.password', 'authorization', '*.authorization', 'token', '*.token'];

export function createLogger(name: string, level = process.env.DUALQA_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as Parameters<typeof method>);
      },
    },
    formatters: {
      log(obj) {
        return JSON.parse(maskText(JSON.stringify(obj))) as Record<string, unknown>;
      },
    },
  });
}
