// The second OCR engine (tesseract.js 7 + Debian chi_sim/eng traineddata, all local): choosing it by
// DUALQA_OCR_ENGINE, its BMP hand-over and line joining, and reading the fixtures' own 执业证 card — the
// licence number exactly and enough of the text for the classifier to name it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { renderCardStill } from '../../fixtures/render';
import { agentOf } from '../../fixtures/scene';
import { classifyText } from '../../media/documents/classify';
import { extractLicenceFields } from '../../media/documents/fields';
import { rowsOf } from '../../media/documents/types';
import { loadKeywordTable } from '../../rules/document-keywords';
import { runFfmpegToBuffer } from '../../media/ffmpeg';
import { loadOcr, ocrEngineChoice } from '../../models/ocr';
import { joinHan, rgbToBmp, TesseractEngine } from '../../models/ocr/tesseract';

describe('OCR engine choice', () => {
  it('defaults to PP-OCR, accepts tesseract, refuses unknown names', () => {
    assert.equal(ocrEngineChoice(undefined), 'ppocr');
    assert.equal(ocrEngineChoice(''), 'ppocr');
    assert.equal(ocrEngineChoice(' Tesseract '), 'tesseract');
    assert.throws(() => ocrEngineChoice('paddle'), /DUALQA_OCR_ENGINE=paddle/);
  });
});

describe('tesseract hand-over', () => {
  it('writes a bottom-up 24-bit BMP with padded rows, pixels in BGR order', () => {
    // 3×2: row 0 red, green, blue; row 1 white, black, grey
    const rgb = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128]);
    const bmp = rgbToBmp(rgb, 3, 2);
    const stride = 12; // 9 bytes padded to 4
    assert.equal(bmp.toString('latin1', 0, 2), 'BM');
    assert.equal(bmp.length, 54 + stride * 2);
    assert.equal(bmp.readInt32LE(18), 3);
    assert.equal(bmp.readInt32LE(22), 2);
    assert.equal(bmp.readUInt16LE(28), 24);
    // the last stored row is the image's first: red as B,G,R = 0,0,255
    assert.deepEqual([...bmp.subarray(54 + stride, 54 + stride + 3)], [0, 0, 255]);
    assert.deepEqual([...bmp.subarray(54 + 6, 54 + 9)], [128, 128, 128]);
  });

  it('drops the spaces Tesseract puts between Chinese characters, keeps them between Latin words', () => {
    assert.equal(joinHan('执 业 证 编 号 : 0201'), '执业证编号 : 0201');
    assert.equal(joinHan('样本 SPECIMEN'), '样本 SPECIMEN');
    assert.equal(joinHan('2023 年 06 月'), '2023年06月');
  });
});

describe('tesseract.js with Debian traineddata', () => {
  let tmp = '';
  let engine: TesseractEngine;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-tess-'));
    const loaded = await loadOcr('tesseract');
    engine = loaded.ocr as TesseractEngine;
    assert.equal(loaded.models.length, 2);
    for (const m of loaded.models) assert.match(m.sha256, /^[0-9a-f]{64}$/);
  });
  after(async () => {
    await engine?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('reads the fixtures\' 执业证 card (720p): the licence number exactly, and the classifier names it', async (t) => {
    const png = path.join(tmp, 'licence.png');
    const size = await renderCardStill('agent_licence', { agent: 'agentA', customer: 'custC' }, 720, png, tmp);
    const rgb = await runFfmpegToBuffer(['-v', 'error', '-i', png, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { ownFiles: true });
    const started = Date.now();
    const lines = await engine.readLines(rgb, size.w, size.h);
    t.diagnostic(`${lines.length} lines in ${Date.now() - started} ms: ${lines.map((l) => l.text).join(' | ')}`);
    const rows = rowsOf(lines);
    assert.equal(classifyText(rows, loadKeywordTable().table).type, 'agent_licence');
    const fields = extractLicenceFields(rows, { expected: { licenceNo: agentOf('agentA').licenceNo } });
    assert.equal(fields.licenceNo?.expected, 'exact');
    for (const l of lines) {
      assert.ok(l.score >= 0.5 && l.score <= 1);
      assert.equal(l.box.length, 4);
      for (const [x, y] of l.box) assert.ok(x >= 0 && x <= size.w && y >= 0 && y <= size.h, `box inside the image: ${x},${y}`);
    }
  });

  it('reads nothing on a blank page and honours an abort', async () => {
    const blank = Buffer.alloc(200 * 120 * 3, 240);
    assert.deepEqual(await engine.readLines(blank, 200, 120), []);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(engine.readLines(blank, 200, 120, { signal: ac.signal }), { name: 'AbortError' });
    assert.throws(() => engine.readLines(Buffer.alloc(10), 200, 120), { name: 'RangeError', message: /200×120 RGB24 frame has 72000 bytes, got 10/ });
  });
});
