// Replays recorded histories of the inspection workflow against today's workflow code: a change that
// would break running inspections (non-determinism) fails here. Histories are recorded from the
// integration test with DUALQA_RECORD_HISTORY=1 and committed under test/replay/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../lib/config';

const dir = path.join(PROJECT_ROOT, 'test', 'replay');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];

describe('workflow replay against recorded histories', () => {
  it('has at least one recorded history', () => {
    assert.ok(files.length > 0, `no histories in ${dir}`);
  });
  for (const file of files) {
    it(`replays ${file} deterministically`, { timeout: 120_000 }, async () => {
      const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history);
    });
  }
});
