// The floor plan is enforced: the repository has no back-arrow and no circle by the dependency rules,
// and the same rules reject a deliberately bad tree (a leaf importing an activity, a circle, a workflow
// importing an activity's value). Without the second half a broken rule set would pass silently.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../lib/config';
import { SOURCE_FOLDERS, violationsOf } from '../helpers/floors';

describe('floors (dependency rules)', () => {
  it('the repository has no back-arrow and no circle', async () => {
    const violations = await violationsOf(PROJECT_ROOT, SOURCE_FOLDERS);
    assert.deepEqual(violations, []);
  });

  it('the rules reject a back-arrow, a circle and a workflow value import', async () => {
    const violations = await violationsOf(path.join(PROJECT_ROOT, 'test', 'floors', 'bad'), ['lib', 'judge', 'activities', 'workflows']);
    const rules = new Set(violations.map((v) => `${v.rule}: ${v.from}`));
    assert.ok(rules.has('no-up-from-base: lib/leaf.ts'), [...rules].join('\n'));
    assert.ok(rules.has('lib-is-a-leaf: lib/leaf.ts'), [...rules].join('\n'));
    assert.ok([...rules].some((r) => r.startsWith('no-circular: judge/')), [...rules].join('\n'));
    assert.ok(rules.has('workflows-import-values-only-from-safe-modules: workflows/flow.ts'), [...rules].join('\n'));
  });
});
