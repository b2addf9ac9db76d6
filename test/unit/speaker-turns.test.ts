// Speaker turns on real audio: dialogues assembled from the committed speech bank (Kokoro voices, Opus,
// decoded by ffmpeg), with the truth known to the sample. Only the `other` set: the sealed set is not tuned on. Scored per 0.1 s of speech: attributed to the right
// party, 'uncertain', or wrong. The figures go to the diagnostics.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { PROJECT_ROOT } from '../../lib/config';
import { runFfmpegToBuffer } from '../../media/ffmpeg';
import { SpeakerEncoder, meanEmbedding, similarity } from '../../speech/speaker/encoder';
import { pcm16ToFloat } from '../../speech/speaker/mel';
import { PROFILE_SAME, attribute, speakerTurns, type SpeakerTurnOptions, type SpeakerTurns } from '../../speech/speaker/turns';
import type { Parties } from '../../speech/parties';
import { ensureModels } from '../helpers/models';

interface BankUtterance {
  persona: string;
  line: string;
  speaker: 'agent' | 'customer';
  voice: string;
  file: string;
  durationS: number;
}

const BANK = path.join(PROJECT_ROOT, 'fixtures', 'speech-bank');
const manifest = JSON.parse(fs.readFileSync(path.join(BANK, 'manifest.json'), 'utf8')) as BankUtterance[];
const RATE = 16000;
const pcmCache = new Map<string, Float32Array>();

async function decode(u: BankUtterance): Promise<Float32Array> {
  let pcm = pcmCache.get(u.file);
  if (!pcm) {
    pcm = pcm16ToFloat(await runFfmpegToBuffer(['-v', 'error', '-i', path.join(BANK, u.file), '-ac', '1', '-ar', String(RATE), '-f', 's16le', 'pipe:1'], { ownFiles: true }));
    pcmCache.set(u.file, pcm);
  }
  return pcm;
}

const utterancesOf = (persona: string): BankUtterance[] => manifest.filter((u) => u.persona === persona);

/** The sale's order: each agent line, and the customer's reply where one follows. */
const ORDER: [string, string?][] = [
  ['opening', 'consent'],
  ['identity'],
  ['ask_id', 'confirm_id'],
  ['documents'],
  ['product'],
  ['liability'],
  ['exclusions'],
  ['premium'],
  ['cooling'],
  ['surrender', 'understand'],
  ['disclosure', 'disclose'],
  ['ask_clear', 'clear'],
  ['signing', 'sign_ok'],
];

interface Part {
  from: number;
  to: number;
  who: 'agent' | 'customer';
  /** The agent's voice in the customer's turn. */
  daida: boolean;
}

interface Dialogue {
  samples: Float32Array;
  parts: Part[];
  regions: { from: number; to: number }[];
}

interface DialogueSpec {
  agent: string;
  customer: string;
  /** Replies spoken by the agent instead (代答): a 1 s stretch of one of the agent's own lines. */
  daida?: string[] | 'all';
  /** Replies taken as 1 s stretches of another persona's lines (a voice with no short replies of its own). */
  repliesFrom?: string;
  /** Replies 0.1 s after the question: one voice-activity region holds both voices. */
  tight?: boolean;
}

async function dialogue(spec: DialogueSpec): Promise<Dialogue> {
  let seed = 7;
  const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const placed: { pcm: Float32Array; from: number; who: 'agent' | 'customer'; daida: boolean }[] = [];
  let t = 0.5;
  const agentLines = utterancesOf(spec.agent);
  const stretch = async (u: BankUtterance): Promise<Float32Array> => (await decode(u)).subarray(0.5 * RATE, 1.5 * RATE);
  for (const [a, c] of ORDER) {
    const line = agentLines.find((u) => u.line.split('@')[0] === a)!;
    const pcm = await decode(line);
    placed.push({ pcm, from: t, who: 'agent', daida: false });
    t += pcm.length / RATE + (c && spec.tight ? 0.1 : 0.3 + 0.5 * rand());
    if (!c) continue;
    let reply: Float32Array;
    let who: 'agent' | 'customer' = 'customer';
    let daida = false;
    if (spec.daida === 'all' || spec.daida?.includes(c)) {
      reply = await stretch(agentLines[placed.length % agentLines.length]!);
      who = 'agent';
      daida = true;
    } else if (spec.repliesFrom) {
      const other = utterancesOf(spec.repliesFrom);
      reply = await stretch(other[placed.length % other.length]!);
    } else {
      reply = await decode(utterancesOf(spec.customer).find((u) => u.line === c)!);
    }
    placed.push({ pcm: reply, from: t, who, daida });
    t += reply.length / RATE + 0.4 + 0.6 * rand();
  }
  const samples = new Float32Array(Math.ceil((t + 0.5) * RATE));
  const parts: Part[] = [];
  for (const p of placed) {
    samples.set(p.pcm, Math.round(p.from * RATE));
    parts.push({ from: p.from, to: p.from + p.pcm.length / RATE, who: p.who, daida: p.daida });
  }
  // voice activity: the utterances, joined across gaps under 0.25 s (only `tight` replies join their question)
  const regions: { from: number; to: number }[] = [];
  for (const p of parts) {
    const last = regions[regions.length - 1];
    if (last && p.from - last.to < 0.25) last.to = p.to;
    else regions.push({ from: Math.round(p.from * 100) / 100, to: Math.round(p.to * 100) / 100 });
  }
  return { samples, parts, regions };
}

interface Score {
  /** Shares of the speech (0.1 s steps): right party, uncertain, wrong party. */
  right: number;
  uncertain: number;
  wrong: number;
  customerRight: number;
  customerWrong: number;
  /** Share of the agent-answered replies attributed to the agent. */
  daidaRight: number | null;
}

function score(d: Dialogue, turns: SpeakerTurns): Score {
  const count = { n: 0, right: 0, uncertain: 0, wrong: 0, cn: 0, cright: 0, cwrong: 0, dn: 0, dright: 0 };
  for (const p of d.parts) {
    for (let t = p.from + 0.05; t < p.to; t += 0.1) {
      const got = turns.turns.find((u) => u.from <= t && t < u.to)?.speaker ?? 'uncertain';
      count.n++;
      if (got === p.who) count.right++;
      else if (got === 'uncertain') count.uncertain++;
      else count.wrong++;
      if (p.who === 'customer') {
        count.cn++;
        if (got === 'customer') count.cright++;
        else if (got === 'agent') count.cwrong++;
      }
      if (p.daida) {
        count.dn++;
        if (got === 'agent') count.dright++;
      }
    }
  }
  return {
    right: count.right / count.n,
    uncertain: count.uncertain / count.n,
    wrong: count.wrong / count.n,
    customerRight: count.cn ? count.cright / count.cn : 1,
    customerWrong: count.cn ? count.cwrong / count.cn : 0,
    daidaRight: count.dn ? count.dright / count.dn : null,
  };
}

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

function report(t: TestContext, label: string, d: Dialogue, turns: SpeakerTurns, s: Score, ms: number): void {
  const seconds = d.samples.length / RATE;
  t.diagnostic(
    `${label}: voices ${turns.voices}, centroids ${turns.centroidSimilarity ?? '–'}; per 0.1 s right ${pct(s.right)}, uncertain ${pct(s.uncertain)}, wrong ${pct(s.wrong)}; ` +
      `customer right ${pct(s.customerRight)} wrong ${pct(s.customerWrong)}; 代答 to agent ${pct(s.daidaRight)}; ${seconds.toFixed(0)} s in ${ms} ms`,
  );
}

describe('speaker turns on bank dialogues', () => {
  let encoder: SpeakerEncoder;
  before(async () => {
    await ensureModels();
    encoder = await SpeakerEncoder.load();
  });

  async function run(spec: DialogueSpec, options: SpeakerTurnOptions = {}): Promise<{ d: Dialogue; turns: SpeakerTurns; s: Score; ms: number }> {
    const d = await dialogue(spec);
    const started = performance.now();
    const turns = await speakerTurns(encoder, d.samples, d.regions, options);
    return { d, turns, s: score(d, turns), ms: Math.round(performance.now() - started) };
  }

  it('tells distinct voices apart and groups one voice (utterance embeddings, enrolled profiles)', async (t) => {
    // the three agent voices of the other set (distinct)
    const agents = ['anhe.a1', 'sheng.a1', 'yunxiu.a1'];
    const profiles = new Map<string, Float32Array>();
    const held = new Map<string, Float32Array[]>();
    for (const a of agents) {
      const lines = utterancesOf(a);
      const embed = async (u: BankUtterance): Promise<Float32Array> => (await encoder.embedUtterance(await decode(u))).embedding;
      // enrol on five lines, hold out five others
      profiles.set(a, meanEmbedding(await Promise.all(lines.slice(0, 5).map(embed))));
      held.set(a, await Promise.all(lines.slice(5, 10).map(embed)));
    }
    let sameMin = 1;
    let otherMax = -1;
    for (const a of agents) {
      for (const e of held.get(a)!) {
        sameMin = Math.min(sameMin, similarity(profiles.get(a)!, e));
        for (const b of agents) if (b !== a) otherMax = Math.max(otherMax, similarity(profiles.get(b)!, e));
      }
    }
    let profileOther = -1;
    for (const a of agents) for (const b of agents) if (a < b) profileOther = Math.max(profileOther, similarity(profiles.get(a)!, profiles.get(b)!));
    t.diagnostic(`held-out lines vs own profile ≥ ${sameMin.toFixed(3)}, vs other agents' ≤ ${otherMax.toFixed(3)}; profiles of different agents ≤ ${profileOther.toFixed(3)}`);
    assert.ok(sameMin > otherMax, 'every held-out line is closer to its own agent than to any other');
    assert.ok(profileOther < PROFILE_SAME, 'different agents never confirm each other as the enrolled one');
    // the blend is the same voice to this model: a profile cannot tell them apart (stated, not relied on)
    const blend = meanEmbedding(await Promise.all(utterancesOf('yunxiu.c2').map(async (u) => (await encoder.embedUtterance(await decode(u))).embedding)));
    t.diagnostic(`profile of zf_xiaobei vs the replies of its 0.7/0.3 blend with zf_xiaoyi: ${similarity(profiles.get('anhe.a1')!, blend).toFixed(3)}`);
  });

  for (const [agent, customer] of [
    ['anhe.a1', 'anhe.c1'],
    ['sheng.a1', 'sheng.c2'],
    ['yunxiu.a1', 'yunxiu.c1'],
    ['yunxiu.a1', 'yunxiu.c2'],
  ] as const) {
    it(`attributes a dialogue of two distinct voices per second (${agent} / ${customer})`, async (t) => {
      const { d, turns, s, ms } = await run({ agent, customer });
      report(t, `${agent}/${customer}`, d, turns, s, ms);
      assert.equal(turns.voices, 2);
      assert.ok(s.right >= 0.93, `right ${pct(s.right)}`);
      assert.ok(s.wrong <= 0.01, `wrong ${pct(s.wrong)}`);
      assert.ok(s.customerRight >= 0.7, `customer right ${pct(s.customerRight)}`);
    });
  }

  it('cuts a reply out of the question it follows within one voice-activity region', async (t) => {
    const distinct = await run({ agent: 'anhe.a1', customer: 'anhe.c1', tight: true });
    report(t, 'anhe.a1/anhe.c1 replies 0.1 s after the question', distinct.d, distinct.turns, distinct.s, distinct.ms);
    assert.ok(distinct.d.regions.length < distinct.d.parts.length, 'replies share their question’s region');
    assert.ok(distinct.s.right >= 0.95 && distinct.s.wrong <= 0.01, `right ${pct(distinct.s.right)}, wrong ${pct(distinct.s.wrong)}`);
    assert.ok(distinct.s.customerRight >= 0.9, `customer right ${pct(distinct.s.customerRight)}`);
    // Two similar voices (zf_xiaoni / zf_xiaoxiao, centroids ~0.75-0.8) with no pause the change shows at:
    // the weak case. Part of some replies stays with the question (counted wrong) — measured, bounded.
    const similar = await run({ agent: 'sheng.a1', customer: 'sheng.c2', tight: true });
    report(t, 'sheng.a1/sheng.c2 replies 0.1 s after the question', similar.d, similar.turns, similar.s, similar.ms);
    assert.ok(similar.s.wrong <= 0.05, `wrong ${pct(similar.s.wrong)}`);
  });

  it('attributes replies the agent speaks in the customer’s turn (代答) to the agent', async (t) => {
    for (const [agent, customer] of [
      ['sheng.a1', 'sheng.c1'],
      ['anhe.a1', 'anhe.c1'],
    ] as const) {
      const { d, turns, s, ms } = await run({ agent, customer, daida: ['understand', 'clear'] });
      report(t, `${agent}/${customer} 代答`, d, turns, s, ms);
      assert.equal(turns.voices, 2);
      assert.ok(s.daidaRight! >= 0.9, `agent-answered replies to the agent ${pct(s.daidaRight)}`);
      assert.ok(s.wrong <= 0.01, `wrong ${pct(s.wrong)}`);
    }
  });

  it('leaves near-identical voices uncertain rather than wrong', async (t) => {
    // zf_xiaobei against the customer blends 0.7 zf_xiaobei + 0.3 zf_xiaoyi and 0.6 zf_xiaoni + 0.4 zf_xiaobei.
    for (const spec of [
      { agent: 'anhe.a1', customer: 'yunxiu.c2' },
      { agent: 'anhe.a1', customer: 'anhe.c2' },
    ]) {
      const { d, turns, s, ms } = await run(spec);
      report(t, `${spec.agent}/${spec.customer} near-identical`, d, turns, s, ms);
      assert.ok(s.customerWrong <= 0.05, `customer replies given to the agent ${pct(s.customerWrong)}`);
      assert.ok(s.wrong <= 0.02, `wrong ${pct(s.wrong)}`);
    }
  });

  it('finds one voice when the agent answers everything, and names it the agent only with an enrolled profile', async (t) => {
    const enrol = async (persona: string): Promise<Float32Array> =>
      meanEmbedding(await Promise.all(utterancesOf(persona).slice(-5).map(async (u) => (await encoder.embedUtterance(await decode(u))).embedding)));
    const alone = await run({ agent: 'anhe.a1', customer: 'anhe.c1', daida: 'all' });
    report(t, 'anhe.a1 answering everything', alone.d, alone.turns, alone.s, alone.ms);
    assert.equal(alone.turns.voices, 1);
    assert.equal(alone.s.wrong, 0);
    assert.ok(alone.s.uncertain > 0.95, 'one voice and no profile: nothing attributed');

    const enrolled = await run({ agent: 'anhe.a1', customer: 'anhe.c1', daida: 'all' }, { agentProfile: await enrol('anhe.a1') });
    report(t, 'anhe.a1 answering everything, enrolled', enrolled.d, enrolled.turns, enrolled.s, enrolled.ms);
    assert.ok(enrolled.turns.agentProfileSimilarity! >= PROFILE_SAME);
    assert.ok(enrolled.s.daidaRight! >= 0.9, `agent-answered replies ${pct(enrolled.s.daidaRight)}`);
    assert.ok(enrolled.s.right >= 0.95);

    const stranger = await run({ agent: 'anhe.a1', customer: 'anhe.c1', daida: 'all' }, { agentProfile: await enrol('sheng.a1') });
    t.diagnostic(`another agent's profile: similarity ${stranger.turns.agentProfileSimilarity}`);
    assert.ok(stranger.turns.agentProfileSimilarity! < PROFILE_SAME);
    assert.ok(stranger.s.uncertain > 0.95, 'a profile of someone else confirms nothing');
  });

  it('lets a microphone per party decide the regions it attributes', async () => {
    const d = await dialogue({ agent: 'anhe.a1', customer: 'anhe.c2' });
    // the near-identical pair the voice leaves uncertain; the channels know
    const parties: Parties = {
      source: 'channels',
      separated: true,
      agentPart: 0,
      regions: d.regions.map((r) => {
        const part = d.parts.find((p) => p.from < r.to && p.to > r.from)!;
        return { ...r, speaker: part.who, diffDb: part.who === 'agent' ? 20 : -20 };
      }),
    };
    const turns = await speakerTurns(encoder, d.samples, d.regions, { parties });
    const s = score(d, turns);
    assert.ok(s.right > 0.99);
    assert.ok(turns.turns.every((u) => u.source === 'channels'));
  });

  it('attributes nothing without speech', () => {
    const none = attribute([{ from: 0, to: 0.2, region: 0, embedding: null }], null, null);
    assert.equal(none.voices, 0);
    assert.equal(none.turns[0]!.speaker, 'uncertain');
  });
});
