// JSON logs (pino). Secrets are redacted by path and every message is masked for personal numbers, so
// nothing a recording or a sidecar carries reaches a log whole.
import pino, { type Logger } from 'pino';
import { maskDeep, maskText } from './mask';

export type { Logger };

const REDACT = ['secretKey', 'accessKey', '*.secretKey', '*.accessKey', '*.*.secretKey', 'password', '*.password', 'authorization', '*.authorization', 'token', '*.token'];

export function createLogger(name: string, level = process.env.DUALQA_LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
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
      // Only strings are masked: numbers (sizes, times) are not personal data and must stay numbers.
      log(obj) {
        return maskDeep(obj);
      },
    },
  }, destination);
}
