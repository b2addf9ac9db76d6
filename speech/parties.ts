// Recorders that give each party a microphone (a track each, or one on the left and one on the right
// channel) say who speaks better than turn order can: per voice-activity region, the party whose signal
// is clearly louder spoke. Regions where the two are close (both talking, crosstalk) stay unattributed;
// a recording where almost no region separates (dual mono, one room microphone) is not used at all.
import * as fs from 'node:fs';
import { round } from '../lib/numbers';
import type { Span } from './span';

type PartySource = 'tracks' | 'channels';

export interface AudioLayout {
  /** Audio streams in the file. */
  streams: number;
  /** Channels of the first audio stream. */
  channels: number;
}

interface PartyRegion extends Span {
  speaker: 'agent' | 'customer' | null;
  /** Level of part 0 minus part 1 over the region, dB. */
  diffDb: number;
}

export interface Parties {
  source: PartySource;
  /** Whether the parts carry different voices; when false nothing below is attributed. */
  separated: boolean;
  /** Which part is the agent's: the one that speaks most (the agent leads a sale). */
  agentPart: 0 | 1 | null;
  regions: PartyRegion[];
}

/** One part at least twice the other's amplitude: that party spoke; closer than that, both may be talking. */
const MIN_PARTY_DIFF_DB = 6;
/** Share of regions that must separate before the parts are taken as one party each. */
const MIN_SEPARATED_SHARE = 0.6;
const PARTY_RATE = 8000;

export function partySource(layout: AudioLayout): PartySource | null {
  if (layout.streams === 2) return 'tracks';
  if (layout.streams === 1 && layout.channels === 2) return 'channels';
  return null;
}

/**
 * ffmpeg filter graph and outputs for one decode: the mix for recognition (16 kHz mono, holes in the
 * timestamps filled with silence) and, when there are parties, each party's signal at 8 kHz for levels.
 */
export function speechDecodeArgs(file: string, layout: AudioLayout, mixFile: string, partFiles: [string, string] | null): string[] {
  const sync = 'aresample=async=1:first_pts=0';
  const pcm = (rate: number, out: string): string[] => ['-ac', '1', '-ar', String(rate), '-f', 's16le', '-y', out];
  const source = partFiles ? partySource(layout) : null;
  const head = ['-nostdin', '-v', 'error', '-i', file, '-vn'];
  if (source === 'tracks' && partFiles) {
    const graph = `[0:a:0]${sync},aformat=channel_layouts=mono,asplit=2[m0][p0];[0:a:1]${sync},aformat=channel_layouts=mono,asplit=2[m1][p1];[m0][m1]amix=inputs=2:normalize=0:duration=longest[mix]`;
    return [...head, '-filter_complex', graph, '-map', '[mix]', ...pcm(16000, mixFile), '-map', '[p0]', ...pcm(PARTY_RATE, partFiles[0]), '-map', '[p1]', ...pcm(PARTY_RATE, partFiles[1])];
  }
  if (source === 'channels' && partFiles) {
    const graph = `[0:a:0]${sync},asplit=3[mix][l][r];[l]pan=mono|c0=c0[p0];[r]pan=mono|c0=c1[p1]`;
    return [...head, '-filter_complex', graph, '-map', '[mix]', ...pcm(16000, mixFile), '-map', '[p0]', ...pcm(PARTY_RATE, partFiles[0]), '-map', '[p1]', ...pcm(PARTY_RATE, partFiles[1])];
  }
  if (layout.streams > 2) {
    // More tracks than parties: recognise them all mixed, attribute by turn order.
    const inputs = Array.from({ length: layout.streams }, (_, i) => `[0:a:${i}]${sync},aformat=channel_layouts=mono[m${i}]`).join(';');
    const graph = `${inputs};${Array.from({ length: layout.streams }, (_, i) => `[m${i}]`).join('')}amix=inputs=${layout.streams}:normalize=0:duration=longest[mix]`;
    return [...head, '-filter_complex', graph, '-map', '[mix]', ...pcm(16000, mixFile)];
  }
  return [...head, '-map', '0:a:0', '-af', sync, ...pcm(16000, mixFile)];
}

/** RMS level (dBFS) of 16-bit mono PCM over each region, read region by region (bounded memory on long files). */
export function regionLevels(file: string, regions: Span[], rate = PARTY_RATE): number[] {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    return regions.map((r) => {
      const start = Math.max(0, Math.floor(r.from * rate)) * 2;
      const end = Math.min(size, Math.ceil(r.to * rate) * 2);
      if (end - start < 2) return -120;
      const buf = Buffer.alloc(end - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      let sum = 0;
      const n = Math.floor(buf.length / 2);
      for (let i = 0; i < n; i++) {
        const v = buf.readInt16LE(i * 2) / 32768;
        sum += v * v;
      }
      return Math.max(-120, 10 * Math.log10(sum / Math.max(1, n) + 1e-12));
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Who spoke in each region, from the two parts' levels. */
export function attributeParties(source: PartySource, regions: Span[], levels0: number[], levels1: number[]): Parties {
  const diffs = regions.map((_, i) => (levels0[i] ?? -120) - (levels1[i] ?? -120));
  const part = diffs.map((d) => (d >= MIN_PARTY_DIFF_DB ? 0 : d <= -MIN_PARTY_DIFF_DB ? 1 : null));
  const separatedShare = regions.length ? part.filter((p) => p !== null).length / regions.length : 0;
  const separated = regions.length >= 2 && separatedShare >= MIN_SEPARATED_SHARE && part.includes(0) && part.includes(1);
  const seconds = [0, 0];
  regions.forEach((r, i) => {
    const p = part[i];
    if (p !== null && p !== undefined) seconds[p]! += r.to - r.from;
  });
  const agentPart = separated ? (seconds[0]! >= seconds[1]! ? 0 : 1) : null;
  return {
    source,
    separated,
    agentPart,
    regions: regions.map((r, i) => ({
      from: r.from,
      to: r.to,
      speaker: agentPart === null || part[i] === null ? null : part[i] === agentPart ? 'agent' : 'customer',
      diffDb: round(diffs[i]!, 1),
    })),
  };
}

/** The attributed speaker of a voice-activity region, or null when unknown. */
export function speakerOf(parties: Parties | undefined, region: Span): 'agent' | 'customer' | null {
  if (!parties?.separated) return null;
  return parties.regions.find((r) => Math.abs(r.from - region.from) < 0.01 && Math.abs(r.to - region.to) < 0.01)?.speaker ?? null;
}
