// Benchmark: the two OCR engines on the generated documents. Each labelled recording of a folder goes
// through the documents pass (the shared decode, frame selection, reading, classification, fields) once
// per engine; prints per engine the document-type recall and precision, showing times within ±1 s,
// licence / ID numbers read exactly on legible showings, illegible showings flagged, and OCR time per
// recording.
//
//   node dist/bench/ocr-engines.js DIR [--engines ppocr,tesseract]
//   (DIR: e.g. `npx dualqa fixtures DIR --height 360`, or node dist/fixtures/generate.js DIR hard_documents …)
import * as fs from 'node:fs';
import * as path from 'node:path';

import { documentFigures, type DocumentCase } from '../eval/documents';
import { listCases } from '../eval/run';
import { labelsSchema } from '../lib/labelled';
import { decodeOnce } from '../media/decode';
import { DEFAULT_DOCUMENT_PASS_CONFIG, documentPass, type DocumentsBody } from '../media/documents/pass';
import { framesOf } from '../media/frame-at';
import { probeMedia } from '../media/probe';
import { loadOcr, ocrEngineChoice, type OcrEngineChoice } from '../models/ocr';

const HASH_KEY = 'bench-ocr-engines';

interface Run {
  name: string;
  body: DocumentsBody;
  labelled: DocumentCase['labelled'];
  wallS: number;
}

async function runCase(media: string, meta: string | undefined, engine: Awaited<ReturnType<typeof loadOcr>>['ocr']): Promise<{ body: DocumentsBody; wallS: number } | null> {
  const probe = await probeMedia(media);
  if (!probe.ok || !probe.facts.video) return null;
  const agent = meta ? (JSON.parse(fs.readFileSync(meta, 'utf8')) as { agent?: { name?: string; licenceNo?: string } }).agent : undefined;
  const started = performance.now();
  const config = { ...DEFAULT_DOCUMENT_PASS_CONFIG, hashKey: HASH_KEY, ...(agent ? { expected: { agentName: agent.name, licenceNo: agent.licenceNo } } : {}) };
  const pass = await documentPass(probe.facts, engine, config, framesOf(media, probe.facts));
  const decoded = await decodeOnce(media, probe.facts, { videoTaps: pass.videoTaps });
  const { body } = await pass.finish(decoded.videoDecodedS);
  return { body, wallS: (performance.now() - started) / 1000 };
}

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const ei = args.indexOf('--engines');
  const engines: OcrEngineChoice[] = ei >= 0 ? (args.splice(ei, 2)[1] ?? '').split(',').map((e) => ocrEngineChoice(e)) : ['ppocr', 'tesseract'];
  const [dir] = args;
  if (!dir) {
    process.stderr.write('usage: node dist/bench/ocr-engines.js DIR [--engines ppocr,tesseract]\n');
    process.exitCode = 2;
    return;
  }
  const cases = listCases(dir);
  for (const choice of engines) {
    const { ocr } = await loadOcr(choice);
    const runs: Run[] = [];
    for (const c of cases) {
      const labels = labelsSchema.parse(JSON.parse(fs.readFileSync(c.labels, 'utf8')));
      const got = await runCase(c.media, c.meta, ocr);
      if (!got) continue;
      runs.push({ name: c.name, body: got.body, labelled: labels.documents, wallS: got.wallS });
      const f = documentFigures([{ labelled: labels.documents, reported: got.body.showings }], { hashKey: HASH_KEY });
      process.stdout.write(
        `${choice.padEnd(9)} ${c.name.padEnd(24)} docs ${f.matched}/${f.labelled} (reported ${f.reported}), times ${f.timed}/${f.matched}, numbers ${f.numbers.exact}/${f.numbers.legible}; ` +
          `OCR ${(got.body.ocr.ms / 1000).toFixed(1)} s in ${got.body.ocr.calls} calls, pass ${got.wallS.toFixed(1)} s` +
          (f.misses.length ? `\n          ${f.misses.join('\n          ')}` : '') +
          '\n',
      );
    }
    const f = documentFigures(
      runs.map((r) => ({ labelled: r.labelled, reported: r.body.showings })),
      { hashKey: HASH_KEY },
    );
    const illegible = runs.flatMap((r) =>
      r.labelled
        .filter((l) => (l as { legible?: boolean }).legible === false)
        // Flagged: a showing there says it cannot be read (whatever type it could be given).
        .map((l) => r.body.showings.some((s) => !s.legible && Math.min(s.to, l.to) > Math.max(s.from, l.from))),
    );
    const ocrS = runs.reduce((a, r) => a + r.body.ocr.ms, 0) / 1000;
    process.stdout.write(
      `\n${choice}: ${path.basename(path.resolve(dir))}, ${runs.length} recordings — type recall ${pct(f.recall)}, precision ${pct(f.precision)} ` +
        `(${f.matched}/${f.labelled}, ${f.reported} reported); times within ±1 s ${pct(f.timingWithinTolerance)}; numbers read exactly ${pct(f.numbers.rate)} ` +
        `(${f.numbers.exact}/${f.numbers.legible} legible); illegible showings flagged ${illegible.filter(Boolean).length}/${illegible.length}; ` +
        `OCR ${ocrS.toFixed(1)} s = ${(ocrS / Math.max(1, runs.length)).toFixed(1)} s per recording\n\n`,
    );
  }
}

main(process.argv.slice(2))
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
