// One inspection measured half by half, as production runs it: a media worker process and a speech worker
// process (the latter also serving orchestration: judge, report), each with its own process tree. Prints
// each half's CPU-seconds (user+sys of the whole tree from /proc: Node, ffmpeg, the Python engine), its
// throughput per core (seconds of recording per CPU-second), the peak RSS of both trees together, and the
// stage profile each analysis stored (lib/profile.ts → analyses/<id>/profile/<half>.json), with the load
// average beside every figure: on a shared machine wall time is noise, CPU time is the cost.
import * as os from 'node:os';
import * as path from 'node:path';
import type { AnalysisProfile } from '../activities/profile-io';
import { profileKey } from '../evidence/layout';
import { getJson } from '../lib/object-store';
import type { Report } from '../report/types';
import { startInspection } from '../intake/inspections';
import type { TestStack } from '../test/helpers/test-stack';
import { startWorkerProcess } from '../test/helpers/worker-process';
import { processTree, treeCpuSeconds } from './process-tree';

export interface HalvesRun {
  durationS: number;
  wallS: number;
  verdict: string;
  cpuS: { media: number; speech: number };
  peakMb: number;
  peakByName: Record<string, number>;
  load: { before: number[]; after: number[] };
  profiles: { media: AnalysisProfile | null; speech: AnalysisProfile | null };
  timings: Report['timings'];
  recordingId: string;
}

/** Uploads nothing: inspects `key` (already in the recordings bucket) with fresh media and speech workers. */
export async function inspectByHalves(t: TestStack, dir: string, key: string, durationS: number): Promise<HalvesRun> {
  const media = startWorkerProcess(t.stack.info, path.join(dir, 'worker-media'), 'media');
  const speech = startWorkerProcess(t.stack.info, path.join(dir, 'worker-speech'), 'orchestration,speech');
  try {
    const roots = { media: media.pid, speech: speech.pid };
    // Both workers load their models on first use, inside the activity: that is counted, as in production's first recording.
    const cpu0 = { media: treeCpuSeconds(roots.media), speech: treeCpuSeconds(roots.speech) };
    let peakMb = 0;
    let peakByName: Record<string, number> = {};
    const sample = (): void => {
      const tree = [...processTree(roots.media), ...processTree(roots.speech)];
      const total = tree.reduce((s, p) => s + p.rssMb, 0);
      if (total > peakMb) {
        peakMb = total;
        peakByName = {};
        for (const p of tree) peakByName[p.name] = (peakByName[p.name] ?? 0) + p.rssMb;
      }
    };
    const timer = setInterval(sample, 500);
    const before = os.loadavg();
    const t0 = process.hrtime.bigint();
    let result;
    try {
      result = await (await startInspection(t.client, t.reader, { bucket: t.stack.info.buckets.recordings, key })).result();
    } finally {
      clearInterval(timer);
    }
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    sample();
    const cpuS = { media: treeCpuSeconds(roots.media) - cpu0.media, speech: treeCpuSeconds(roots.speech) - cpu0.speech };
    const report = await getJson<Report>(t.reader, t.stack.info.buckets.reports, result.reportKey);
    const analyses = t.stack.info.buckets.analyses;
    return {
      durationS,
      wallS,
      verdict: result.verdict,
      cpuS,
      peakMb,
      peakByName,
      load: { before, after: os.loadavg() },
      profiles: {
        media: await getJson<AnalysisProfile>(t.reader, analyses, profileKey(result.recordingId, 'media')),
        speech: await getJson<AnalysisProfile>(t.reader, analyses, profileKey(result.recordingId, 'speech')),
      },
      timings: report?.timings ?? [],
      recordingId: result.recordingId,
    };
  } finally {
    await Promise.all([media.stop(), speech.stop()]);
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function loadText(l: number[]): string {
  return l.map((x) => x.toFixed(2)).join(' ');
}

/** A stage profile as lines: wall s, CPU s where measured, calls, and CPU per media minute. */
export function formatProfile(p: AnalysisProfile | null, durationS: number): string[] {
  if (!p) return ['  (no profile stored)'];
  const lines = [`  activity ${(p.wallMs / 1000).toFixed(1)} s wall, worker process ${(p.processCpuMs / 1000).toFixed(1)} CPU-s (Node + reaped ffmpeg; the Python engine's own CPU is in its stages)`];
  const width = Math.max(...Object.keys(p.stages).map((k) => k.length), 10);
  for (const [name, s] of Object.entries(p.stages)) {
    const cpu = s.cpuMs !== undefined ? `${(s.cpuMs / 1000).toFixed(2).padStart(8)} CPU-s` : '           –';
    const perMin = s.cpuMs !== undefined && durationS > 0 ? ` ${((s.cpuMs / 1000 / durationS) * 60).toFixed(2)} CPU-s/media-min` : '';
    lines.push(`  ${name.padEnd(width)} ${(s.ms / 1000).toFixed(2).padStart(8)} s wall ${cpu} ${String(s.calls).padStart(6)} calls${perMin}`);
  }
  return lines;
}

/** The figures of one run, for a person and for a diff. */
export function formatRun(r: HalvesRun): string[] {
  const cores = os.cpus().length;
  const tput = (cpu: number): string => (cpu > 0 ? (r.durationS / cpu).toFixed(1) : '–');
  const out = [
    `whole inspection ${r.wallS.toFixed(1)} s wall = ${(r.wallS / r.durationS).toFixed(4)} × duration (1/${(r.durationS / r.wallS).toFixed(1)}); load average before ${loadText(r.load.before)}, after ${loadText(r.load.after)} (${cores} cores)`,
    `media half  ${r.cpuS.media.toFixed(1)} CPU-s (tree) = ${tput(r.cpuS.media)} s of recording per CPU-second`,
    `speech half ${r.cpuS.speech.toFixed(1)} CPU-s (tree, with judge + report) = ${tput(r.cpuS.speech)} s of recording per CPU-second`,
    `both halves ${(r.cpuS.media + r.cpuS.speech).toFixed(1)} CPU-s = ${(((r.cpuS.media + r.cpuS.speech) / r.durationS) * 60).toFixed(1)} CPU-s per media minute; on ${cores} cores at best ${((r.cpuS.media + r.cpuS.speech) / cores / r.durationS).toFixed(4)} × duration`,
    `peak RSS of both worker trees ${r.peakMb.toFixed(0)} MB (${Object.entries(r.peakByName).map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')})${r.peakMb > 1536 ? ' — over 1.5 GB' : ''}`,
    `activities (wall): ${r.timings.map((x) => `${x.activity} ${(x.ms / 1000).toFixed(1)} s`).join(', ')}`,
    `verdict ${r.verdict}`,
    'media half, stage by stage:',
    ...formatProfile(r.profiles.media, r.durationS),
    'speech half, stage by stage:',
    ...formatProfile(r.profiles.speech, r.durationS),
  ];
  return out;
}

/** Medians over runs of the figures that decide (three runs on an idle machine: the median is the figure). */
export function formatMedians(runs: HalvesRun[]): string[] {
  if (runs.length === 0) return [];
  const d = runs[0]!.durationS;
  const m = (f: (r: HalvesRun) => number): number => median(runs.map(f));
  return [
    `median of ${runs.length} run(s): wall ${m((r) => r.wallS).toFixed(1)} s = 1/${(d / m((r) => r.wallS)).toFixed(1)} of the duration; ` +
      `media ${m((r) => r.cpuS.media).toFixed(1)} CPU-s (${(d / m((r) => r.cpuS.media)).toFixed(1)} s/CPU-s), speech ${m((r) => r.cpuS.speech).toFixed(1)} CPU-s (${(d / m((r) => r.cpuS.speech)).toFixed(1)} s/CPU-s), ` +
      `peak RSS ${m((r) => r.peakMb).toFixed(0)} MB; load average 1-min at the runs' starts ${runs.map((r) => r.load.before[0]!.toFixed(2)).join(', ')}`,
  ];
}

