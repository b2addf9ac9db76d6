// The embedded SeaweedFS's webhook configuration: written only when asked, private (it holds the token),
// filtered to the recordings bucket, and removed when no longer configured.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { configureSeaweedNotification, NOTIFICATION_FILE, webhookTargetFromEnv } from '../../stack/seaweed-notify';

describe('SeaweedFS webhook notification config', () => {
  it('from the environment: off without a URL, refused without a token', () => {
    assert.equal(webhookTargetFromEnv({}, 'recordings'), undefined);
    assert.throws(() => webhookTargetFromEnv({ DUALQA_S3_WEBHOOK_URL: 'http://h:1/' }, 'recordings'), /DUALQA_WEBHOOK_TOKEN/);
    assert.deepEqual(webhookTargetFromEnv({ DUALQA_S3_WEBHOOK_URL: 'http://h:1/', DUALQA_WEBHOOK_TOKEN: 't' }, 'recs'), { url: 'http://h:1/', token: 't', buckets: ['recs'] });
  });

  it('writes notification.toml 0600 with the endpoint, token and bucket prefix; removes it when unset', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-notify-'));
    try {
      const file = path.join(dir, NOTIFICATION_FILE);
      configureSeaweedNotification(dir, { url: 'http://127.0.0.1:9/hook', token: 'to"ken', buckets: ['recordings'] });
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.match(text, /^\[notification\.webhook\]$/m);
      assert.match(text, /^endpoint = "http:\/\/127\.0\.0\.1:9\/hook"$/m);
      assert.match(text, /^bearer_token = "to\\"ken"$/m, 'quotes in the token are escaped');
      assert.match(text, /^path_prefixes = \["\/buckets\/recordings\/"\]$/m);
      configureSeaweedNotification(dir, undefined);
      assert.equal(fs.existsSync(file), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
