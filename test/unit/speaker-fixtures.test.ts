// The speaker and delivery fixtures (fixtures/speakers.ts, issue #22): plans and labels, without rendering.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SPEAKER_CASES, speakerLabels, speakerPlan, speakerSideFile } from '../../fixtures/speakers';

describe('speaker fixtures', () => {
  it('代答: the agent says four customer answers, labelled as the agent speaking, and those steps FAIL', () => {
    for (const name of ['proxy_onsite', 'proxy_close', 'proxy_stereo'] as const) {
      const plan = speakerPlan(name);
      const labels = speakerLabels(name, plan);
      const proxied = labels.speech.filter((s) => (s as { proxy?: boolean }).proxy);
      assert.equal(proxied.length, 4, name);
      assert.ok(proxied.every((s) => s.speaker === 'agent'), name);
      assert.ok(proxied.some((s) => s.to - s.from < 1), `${name}: a short reply among them`);
      for (const step of ['customer_identity', 'disclosure', 'clear_answer', 'signing'] as const) assert.equal(labels.steps[step], 'FAIL', `${name} ${step}`);
      assert.equal(labels.steps.opening, 'PASS', name);
      assert.equal(labels.steps.explanation, 'PASS', name);
    }
    assert.equal(speakerPlan('proxy_stereo').audioChannels, 'per-party');
  });

  it('a statement read at 1.6× or broken off is marked on its span and explanation FAILs; the rest is as compliant', () => {
    const fast = speakerPlan('fast_exclusions');
    const exc = fast.speech.find((s) => s.utt.id === 'agentA.exclusions')!;
    assert.deepEqual(exc.utt.transform, { tempo: 1.6 });
    assert.ok(Math.abs(exc.to - exc.from - 4.78 / 1.6) < 0.01);
    const half = speakerLabels('half_exclusions', speakerPlan('half_exclusions'));
    const span = half.speech.find((s) => (s as { delivery?: string }).delivery === 'half')!;
    assert.equal(span.text, '责任免除请看免责条款说明，');
    assert.equal(half.steps.explanation, 'FAIL');
    assert.deepEqual(Object.entries(half.steps).filter(([, v]) => v !== 'PASS').map(([k]) => k), ['explanation']);
  });

  it('every case has a variety side-file with its case type, voices and channels', () => {
    for (const name of SPEAKER_CASES) {
      const side = speakerSideFile(name);
      assert.equal(side.set, 'ours');
      assert.ok(side.styles.some((s) => s.startsWith('case:')) && side.styles.some((s) => s.startsWith('voices:')) && side.styles.some((s) => s.startsWith('audio:')), name);
    }
  });
});
