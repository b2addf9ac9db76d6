// Who speaks, from a track or channel per party: the real ffmpeg decode of two-track and two-channel
// files built from committed utterances, the attribution from levels, and the reply it changes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runFfmpeg } from '../../media/ffmpeg';
import { PROJECT_ROOT } from '../../lib/config';
import { attributeParties, partySource, regionLevels, speechDecodeArgs, type AudioLayout } from '../../speech/parties';
import { replyRegion } from '../../speech/reply';

const clip = (name: string): string => path.join(PROJECT_ROOT, 'fixtures', 'speech', `${name}.opus`);
// The agent asks (1.6 s from 0.3 s), the customer answers (0.6 s from 2.5 s), the agent goes on (from 4 s).
const REGIONS = [
  { from: 0.3, to: 1.9 },
  { from: 2.5, to: 3.1 },
  { from: 4, to: 7.2 },
];

describe('parties from tracks or channels', () => {
  let dir: string;
  let agent: string;
  let customer: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-parties-'));
    agent = path.join(dir, 'agent.wav');
    customer = path.join(dir, 'customer.wav');
    // Each party's microphone: their own voice, and silence while the other speaks.
    await runFfmpeg(['-v', 'error', '-i', clip('agentA.ask_clear'), '-i', clip('agentA.cooling'), '-filter_complex', '[0:a]adelay=300[a];[1:a]adelay=4000[b];[a][b]amix=inputs=2:normalize=0:duration=longest,apad,aresample=16000', '-ac', '1', '-t', '8', '-y', agent], { ownFiles: true });
    await runFfmpeg(['-v', 'error', '-i', clip('custC.clear'), '-af', 'adelay=2500,apad,aresample=16000', '-ac', '1', '-t', '8', '-y', customer], { ownFiles: true });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function levelsOf(media: string, layout: AudioLayout): Promise<ReturnType<typeof attributeParties>> {
    const mix = path.join(dir, 'mix.pcm');
    const parts: [string, string] = [path.join(dir, 'p0.pcm'), path.join(dir, 'p1.pcm')];
    await runFfmpeg(speechDecodeArgs(media, layout, mix, parts), { ownFiles: true });
    assert.ok(fs.statSync(mix).size >= 16000 * 2 * 7.5, 'the mix covers the whole recording');
    return attributeParties(partySource(layout)!, REGIONS, regionLevels(parts[0], REGIONS), regionLevels(parts[1], REGIONS));
  }

  it('tells agent from customer on a recording with a track per party', async () => {
    const media = path.join(dir, 'tracks.m4a');
    await runFfmpeg(['-v', 'error', '-i', agent, '-i', customer, '-map', '0:a', '-map', '1:a', '-c:a', 'aac', '-y', media], { ownFiles: true });
    const parties = await levelsOf(media, { streams: 2, channels: 1 });
    assert.equal(parties.separated, true);
    assert.deepEqual(parties.regions.map((r) => r.speaker), ['agent', 'customer', 'agent']);
  });

  it('tells them apart on a stereo recording with one party per channel, whichever side the agent is on', async () => {
    const media = path.join(dir, 'stereo.m4a');
    await runFfmpeg(['-v', 'error', '-i', customer, '-i', agent, '-filter_complex', '[0:a][1:a]join=inputs=2:channel_layout=stereo', '-c:a', 'aac', '-y', media], { ownFiles: true });
    const parties = await levelsOf(media, { streams: 1, channels: 2 });
    assert.equal(parties.agentPart, 1);
    assert.deepEqual(parties.regions.map((r) => r.speaker), ['agent', 'customer', 'agent']);
  });

  it('attributes nothing when both channels carry the same room', async () => {
    const media = path.join(dir, 'dualmono.m4a');
    await runFfmpeg(['-v', 'error', '-i', agent, '-i', customer, '-filter_complex', '[0:a][1:a]amix=inputs=2:normalize=0,asplit=2[l][r];[l][r]join=inputs=2:channel_layout=stereo', '-c:a', 'aac', '-y', media], { ownFiles: true });
    const parties = await levelsOf(media, { streams: 1, channels: 2 });
    assert.equal(parties.separated, false);
    assert.ok(parties.regions.every((r) => r.speaker === null));
  });

  it('skips the agent going on after a pause when looking for the reply', () => {
    const parties = attributeParties('tracks', REGIONS, [-20, -70, -20], [-70, -25, -70]);
    assert.deepEqual(replyRegion(REGIONS, 1.9, 6, parties), REGIONS[1]);
    const agentOnly = attributeParties('tracks', [REGIONS[0]!, REGIONS[2]!, { from: 7.5, to: 8 }], [-20, -20, -70], [-70, -70, -25]);
    // Without a reply from the customer's microphone, the agent's next line is not taken for one.
    assert.deepEqual(replyRegion([REGIONS[0]!, REGIONS[2]!, { from: 7.5, to: 8 }], 1.9, 6, agentOnly), { from: 7.5, to: 8 });
    assert.equal(replyRegion([REGIONS[0]!, REGIONS[2]!], 1.9, 6, attributeParties('tracks', [REGIONS[0]!, REGIONS[2]!], [-20, -20], [-70, -70])), REGIONS[2]);
  });

  it('recognises every track mixed when there are more tracks than parties', () => {
    const args = speechDecodeArgs('in.mp4', { streams: 3, channels: 1 }, 'mix.pcm', null);
    assert.ok(args.join(' ').includes('amix=inputs=3'));
    assert.equal(partySource({ streams: 3, channels: 1 }), null);
    assert.equal(partySource({ streams: 1, channels: 1 }), null);
  });
});
