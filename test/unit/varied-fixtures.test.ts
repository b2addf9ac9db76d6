// The script bank and the varied cases drawn from it (fixtures/bank/, fixtures/varied.ts): the bank's shape
// and committed utterances, the seeded draw, and labels that say what each plan composes. Plans only; the
// integration test (test/integration/varied.test.ts) renders and inspects a sample.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { BANK_DIR, SPEECH_BANK_DIR, AGENT_LINES, bankFiles, bankInsurers, bankManifest } from '../../fixtures/bank/load';
import { labelsFor, speechManifest } from '../../fixtures/plan';
import { FAULTS, GATED_MAX_PAUSE_S, VARIED_SEED, ciSample, spokenOrder, styleTags, variedCases, variedPlan, type Fault } from '../../fixtures/varied';
import { STEP_IDS, labelsSchema, type StepId } from '../../lib/labelled';

const FAULT_STEP: Record<Fault, StepId> = {
  drop_cooling: 'explanation',
  drop_surrender: 'explanation',
  misleading: 'explanation',
  mumble: 'clear_answer',
  unclear: 'clear_answer',
  no_answer: 'clear_answer',
  no_disclosure: 'disclosure',
  customer_leaves: 'coframing',
  splice: 'continuity',
  pts_gap: 'continuity',
};

describe('script bank', () => {
  const insurers = bankInsurers();

  it('three or more other insurers and one sealed file, each with every statement in its own wording', () => {
    const other = insurers.filter((i) => i.set === 'other');
    const sealed = insurers.filter((i) => i.set === 'sealed');
    assert.ok(other.length >= 3, `${other.length} other insurers`);
    assert.equal(sealed.length, 1);
    assert.ok(sealed[0]!.file.startsWith(path.join('fixtures', 'bank', 'sealed')));
    assert.match(fs.readFileSync(path.join(BANK_DIR, 'sealed', path.basename(sealed[0]!.file)), 'utf8'), /^# SEALED CHECK SET — do not tune on this file\./);
    const ours = new Set([...speechManifest().values()].map((u) => u.text.replace(/(王丽华|陈静|张建国|李秀英|\d+)/g, '')));
    for (const ins of insurers) {
      for (const line of AGENT_LINES) assert.ok(ins.order.includes(line), `${ins.id} lacks ${line}`);
      const { agent, customer } = ins.pairs[0]!;
      for (const line of AGENT_LINES) {
        const text = ins.utterance(agent, line, customer).text;
        assert.ok(!ours.has(text.replace(/\d+/g, '').replace(/[\u4e00-\u9fff]{2,3}(?=本人)/, '')), `${ins.id} ${line} is our own sentence`);
      }
    }
    // The insurers' wordings differ from each other too.
    const cooling = insurers.map((i) => i.utterance(i.pairs[0]!.agent, 'cooling').text);
    assert.equal(new Set(cooling).size, cooling.length);
  });

  it('every utterance file is committed with its recorded sha256; a few MB in all; all eight Kokoro voices used, blends too', () => {
    const entries = bankManifest();
    let bytes = 0;
    for (const e of entries) {
      const file = path.join(SPEECH_BANK_DIR, e.file);
      const buf = fs.readFileSync(file);
      bytes += buf.length;
      assert.equal(createHash('sha256').update(buf).digest('hex'), e.sha256, e.file);
      assert.ok(e.durationS > 0.2 && e.durationS < 20, `${e.id} ${e.durationS}`);
    }
    assert.ok(bytes < 3_000_000, `${bytes} bytes of Opus`);
    const voices = new Set(entries.flatMap((e) => e.voice.split('+').map((v) => v.split(':')[0])));
    for (const v of ['zf_xiaobei', 'zf_xiaoni', 'zf_xiaoxiao', 'zf_xiaoyi', 'zm_yunjian', 'zm_yunxi', 'zm_yunxia', 'zm_yunyang']) assert.ok(voices.has(v), v);
    assert.ok(entries.some((e) => e.voice.includes('+')), 'a blended voice');
    // Every bank file's people speak (nothing in a YAML file without its utterances).
    for (const f of bankFiles()) {
      const doc = parse(fs.readFileSync(f, 'utf8')) as { customers: { persona: string }[] };
      for (const c of doc.customers) assert.ok(entries.some((e) => e.persona === c.persona), `${c.persona} never speaks`);
    }
  });

  it('customer replies come in many forms; fault replies exist for every customer', () => {
    const entries = bankManifest();
    const forms = (line: string) => new Set(entries.filter((e) => e.line === line).map((e) => e.text));
    for (const line of ['consent', 'confirm_id', 'clear', 'understand', 'sign_ok']) assert.ok(forms(line).size >= 6, `${line}: ${[...forms(line)].join(' ')}`);
    for (const c of new Set(entries.filter((e) => e.speaker === 'customer').map((e) => e.persona))) {
      for (const line of ['mumble', 'unclear']) assert.ok(entries.some((e) => e.persona === c && e.line === line), `${c} ${line}`);
    }
  });
});

describe('varied cases', () => {
  const specs = variedCases();

  it('the seed draws the same list every time; enough compliant and faulty cases outside our script', () => {
    assert.deepEqual(variedCases(VARIED_SEED), specs);
    assert.notDeepEqual(variedCases(VARIED_SEED + 1).map((s) => s.style), specs.map((s) => s.style));
    const theirs = specs.filter((s) => s.set !== 'ours');
    assert.ok(theirs.filter((s) => !s.fault).length >= 24);
    assert.ok(theirs.filter((s) => s.fault).length >= 12);
    for (const f of FAULTS) assert.ok(specs.some((s) => s.set === 'other' && s.fault === f), `no other-script case plants ${f}`);
    assert.equal(new Set(specs.map((s) => s.name)).size, specs.length);
  });

  it('labels say what each plan composes: compliant cases all PASS, a planted fault fails its step only', () => {
    for (const spec of specs) {
      const { plan } = variedPlan(spec);
      const labels = labelsSchema.parse(labelsFor(plan));
      const notPass = STEP_IDS.filter((id) => labels.steps[id] !== 'PASS');
      assert.deepEqual(notPass, spec.fault ? [FAULT_STEP[spec.fault]] : [], spec.name);
      if (spec.fault) assert.equal(labels.steps[FAULT_STEP[spec.fault]], 'FAIL', spec.name);
      // Every labelled statement is a bank (or our) utterance of this case's two people.
      for (const s of plan.speech) assert.ok([plan.agent, plan.customer].includes(s.utt.persona as never), `${spec.name}: ${s.utt.id}`);
      if (spec.fault === 'splice') assert.ok(labels.defects.some((d) => d.type === 'clock_jump'));
      if (spec.fault === 'pts_gap') assert.ok(labels.defects.some((d) => d.type === 'cut' && 'gapS' in d));
    }
  });

  it('styles: gated audio keeps every pause natural; screen-shared documents are the product documents; tags cover each set', () => {
    for (const spec of specs) {
      const { plan } = variedPlan(spec);
      if (spec.style.audio === 'gated') {
        assert.equal(plan.audioStyle, 'gated');
        const spans = [...plan.speech].sort((a, b) => a.from - b.from);
        let cursor = 0;
        for (const s of spans) {
          const hole = plan.ptsGap && plan.ptsGap.at >= cursor && plan.ptsGap.at < s.from ? plan.ptsGap.gapS : 0;
          assert.ok(s.from - cursor - hole <= GATED_MAX_PAUSE_S, `${spec.name}: pause before ${s.utt.id}`);
          cursor = Math.max(cursor, s.to);
        }
      } else assert.equal(plan.audioStyle, undefined);
      const screen = plan.docs.filter((d) => d.via === 'screen').map((d) => d.card);
      assert.deepEqual(screen, spec.style.docs === 'screen' ? ['risk_notice', 'policy_terms', 'exclusions'] : [], spec.name);
    }
    for (const set of ['ours', 'other', 'sealed']) {
      const tags = new Set(specs.filter((s) => s.set === set && !s.fault).flatMap((s) => styleTags(s, variedPlan(s).plan)));
      for (const t of ['audio:gated', 'audio:room', 'docs:screen', 'docs:hand', 'layout:remote', 'order:identity_first', 'order:consent_first', 'voice:shifted']) {
        assert.ok(tags.has(t), `${set}: no compliant case tagged ${t}`);
      }
    }
  });

  it('orders: identity before consent, or consent moved first; each reply follows its question', () => {
    assert.deepEqual(spokenOrder(['greeting', 'opening', 'identity', 'ask_id'], 'identity_first'), ['greeting', 'identity', 'opening', 'ask_id']);
    assert.deepEqual(spokenOrder(['greeting', 'identity', 'opening', 'ask_id'], 'consent_first'), ['greeting', 'opening', 'identity', 'ask_id']);
    assert.deepEqual(spokenOrder(['opening', 'identity'], 'consent_first'), ['opening', 'identity']);
    for (const spec of specs) {
      const { plan } = variedPlan(spec);
      const at = (id: string) => plan.speech.find((s) => s.utt.id === id)?.from ?? -1;
      const pairs: [string, string][] = [
        ['opening', 'consent'],
        ['ask_id', 'confirm_id'],
        ['disclosure', 'disclose'],
        ['signing', 'sign_ok'],
      ];
      for (const [q, a] of pairs) {
        const tq = at(`${plan.agent}.${q}`);
        const ta = at(`${plan.customer}.${a}`);
        if (tq >= 0 && ta >= 0) assert.ok(ta > tq, `${spec.name}: ${a} before ${q}`);
      }
    }
  });

  it('the CI sample: 6 cases of the other and sealed sets, compliant and faulty, gated and screen-shared', () => {
    const sample = ciSample(specs);
    assert.equal(sample.length, 6);
    assert.equal(new Set(sample.filter((s) => s.set === 'other').map((s) => s.insurer)).size, 3, 'every other insurer');
    assert.ok(sample.some((s) => s.set === 'sealed') && sample.some((s) => s.set === 'other'));
    assert.ok(sample.some((s) => s.fault) && sample.some((s) => !s.fault));
    assert.ok(sample.some((s) => s.style.audio === 'gated') && sample.some((s) => s.style.docs === 'screen') && sample.some((s) => s.style.layout === 'remote'));
  });
});
