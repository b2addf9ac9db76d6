// Logs are JSON with personal numbers masked and secrets redacted, and numbers stay numbers.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../lib/logger';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('masks ID numbers in messages and fields, redacts secrets, keeps large numbers as numbers', () => {
    const { lines, stream } = capture();
    const logger = createLogger('t', 'info', stream);
    logger.info({ key: 'a/11010519491231002X.mp4', sizeBytes: 123456789012, creds: { secretKey: 'hunter2', accessKey: 'AK' } }, 'customer 11010519491231002X');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    const text = lines.join('');
    assert.ok(!text.includes('11010519491231002X'));
    assert.ok(!text.includes('hunter2'));
    assert.equal(line.sizeBytes, 123456789012);
    assert.match(String(line.msg), /1101\*{10}002X/);
  });
});
