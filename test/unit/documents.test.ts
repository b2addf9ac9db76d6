// The documents analyser: frame selection on synthetic grey frames (a card slides in, is held with a
// tremor, slides out, in front of a scene with static print on the wall), the crop of the frame read,
// classification and field extraction on OCR text (with OCR slips), the burned-in clock with a fake OCR
// engine (found on whole frames, then read from crops of its region), the whole pass on synthetic frames, and finally the pass with PP-OCR on two generated
// fixture recordings (documents against their labels; the spliced clock's jump at 50 s).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { generateCase } from '../../fixtures/generate';
import { labelsSchema, type Labels } from '../../lib/labelled';
import { decodeOnce } from '../../media/decode';
import { probeMedia } from '../../media/probe';
import { loadOcrEngine } from '../../models/ocr';
import { ensureModels } from '../helpers/models';
import { ClockReader, clockDefects, DEFAULT_CLOCK_CONFIG, findClockLine, locateClock, parseClock, type ClockConfig } from '../../media/documents/clock';
import { classifyText, keywordSimilarity, substringEdits } from '../../media/documents/classify';
import { loadKeywordTable, type KeywordTable } from '../../rules/document-keywords';
import {
  agreement,
  extractIdCardFields,
  extractLicenceFields,
  findIdNumbers,
  gb11643CheckChar,
  isValidIdNumber,
  keyedHash,
  maskedSample,
  normaliseDigits,
} from '../../media/documents/fields';
import { cropShowing } from '../../media/documents/showing-crop';
import { DEFAULT_SELECT_CONFIG, DocumentSelector, laplacianVariance, type Showing } from '../../media/documents/select';
import { documentPass, DEFAULT_DOCUMENT_PASS_CONFIG, type DocumentPassResult } from '../../media/documents/pass';
import { cropRgb, quadBounds, toPixels, type OcrEngineLike, type OcrLineLike, type Point } from '../../media/documents/types';
import { framesOf } from '../../media/frame-at';
import type { VideoFrame } from '../../media/decode';
import type { MediaFacts } from '../../media/probe';

// ---------------------------------------------------------------------------------------------------------
// Synthetic scenes

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Card {
  /** Top-left and size in pixels of a 320 × 180 frame. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** Still (fully in view) during [from, to); slides in and out over `slideS` around it. */
  from: number;
  to: number;
  slideS?: number;
  /** Passes of a 3 × 3 box blur over the print (0 = crisp). */
  blur?: number;
  /** Frame indices printed crisp even though the card is blurred. */
  sharpAt?: number[];
  /** Marks the card's pixels in a mask (which document it is, for the fake OCR). */
  code?: number;
}

const W = 320;
const H = 180;

/** A wall with a gradient and noise, a notice board with print (static), and a dark desk. */
function sceneFrame(t: number, seed: number, cards: Card[], opts: { brightness?: number; index?: number; mask?: Uint8Array } = {}): Buffer {
  const r = rng(seed);
  const g = Buffer.alloc(W * H);
  const lift = opts.brightness ?? 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = y > 140 ? 70 : 205 - (20 * y) / H;
      // notice board with "text" bars, top right: static print that is part of the scene
      if (x >= 270 && x < 310 && y >= 20 && y < 70) v = (y - 20) % 6 < 2 && x > 274 && x < 305 ? 110 : 240;
      g[y * W + x] = Math.max(0, Math.min(255, Math.round(v + lift + (r() - 0.5) * 6)));
    }
  }
  for (const c of cards) drawCard(g, t, c, opts.index ?? -1, opts.mask);
  return g;
}

/** Print: rows of 6-pixel glyphs (bars and stems) on 10-pixel lines, inside a 6-pixel margin. */
function ink(x: number, y: number, w: number, h: number): boolean {
  if (x < 6 || x >= w - 6 || y < 6 || y >= h - 6) return false;
  const ly = (y - 6) % 10;
  const lx = (x - 6) % 7;
  if (ly >= 6 || lx >= 6) return false;
  const glyph = Math.floor((x - 6) / 7) * 3 + Math.floor((y - 6) / 10) * 5;
  return ly === 0 || (ly === 3 && glyph % 2 === 0) || (ly === 5 && glyph % 3 === 0) || lx === 0 || (lx === 5 && glyph % 4 < 2);
}

/** A bright card with print, sliding up from below the frame before `from` and after `to`. */
function drawCard(g: Buffer, t: number, c: Card, index: number, mask?: Uint8Array): void {
  const slide = c.slideS ?? 0.5;
  if (t < c.from - slide || t >= c.to + slide) return;
  const u = t < c.from ? (c.from - t) / slide : t >= c.to ? (t - c.to) / slide : 0;
  // A hand's tremor: one pixel sideways every other half second.
  const tremor = t >= c.from && t < c.to ? Math.floor(t * 2) % 2 : 0;
  const y0 = c.y + Math.round(u * (H - c.y));
  const x0 = c.x + tremor;
  let card: Buffer = Buffer.alloc(c.w * c.h);
  for (let y = 0; y < c.h; y++) for (let x = 0; x < c.w; x++) card[y * c.w + x] = ink(x, y, c.w, c.h) ? 35 : 238;
  if (!(c.sharpAt ?? []).includes(index)) for (let p = 0; p < (c.blur ?? 0); p++) card = boxBlur(card, c.w, c.h, 1);
  for (let y = 0; y < c.h; y++) {
    for (let x = 0; x < c.w; x++) {
      const fy = y0 + y;
      const fx = x0 + x;
      if (fy < 0 || fy >= H || fx < 0 || fx >= W) continue;
      g[fy * W + fx] = card[y * c.w + x]!;
      if (mask) mask[fy * W + fx] = c.code ?? 0;
    }
  }
}

function boxBlur(src: Buffer, w: number, h: number, r: number): Buffer {
  const out = Buffer.alloc(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          s += src[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]!;
          n++;
        }
      }
      out[y * w + x] = Math.round(s / n);
    }
  }
  return out;
}

function runSelector(durationS: number, cards: Card[], fps = 4, extra: (t: number) => { brightness?: number } = () => ({})): { showings: Showing[]; selector: DocumentSelector } {
  const selector = new DocumentSelector(DEFAULT_SELECT_CONFIG);
  for (let i = 0; i < durationS * fps; i++) {
    const t = i / fps;
    selector.push({ t, index: i, width: W, height: H, data: sceneFrame(t, 1000 + i, cards, { ...extra(t), index: i }) });
  }
  return { showings: selector.finish(), selector };
}

describe('documents: frame selection', () => {
  it('finds a card held still, with from/to within ±0.5 s, and ignores static print on the wall', () => {
    const card: Card = { x: 100, y: 60, w: 110, h: 70, from: 3, to: 7.5 };
    const { showings } = runSelector(12, [card]);
    assert.equal(showings.length, 1, JSON.stringify(showings));
    const s = showings[0]!;
    assert.ok(Math.abs(s.from - 3) <= 0.5 && Math.abs(s.to - 7.5) <= 0.5, `${s.from}–${s.to}`);
    assert.ok(s.best.t >= s.from && s.best.t < s.to);
    // The region covers the card (normalised to the frame).
    assert.ok(Math.abs(s.region.x - 100 / W) < 0.06 && Math.abs(s.region.y - 60 / H) < 0.08, JSON.stringify(s.region));
    assert.ok(Math.abs(s.region.w - 110 / W) < 0.08 && Math.abs(s.region.h - 70 / H) < 0.1, JSON.stringify(s.region));
  });

  it('splits two cards shown one after the other in the same place', () => {
    const { showings } = runSelector(14, [
      { x: 100, y: 60, w: 110, h: 70, from: 2, to: 5 },
      { x: 100, y: 60, w: 110, h: 70, from: 6.2, to: 9.5 },
    ]);
    assert.equal(showings.length, 2, JSON.stringify(showings.map((s) => [s.from, s.to])));
    assert.ok(Math.abs(showings[0]!.to - 5) <= 0.5 && Math.abs(showings[1]!.from - 6.2) <= 0.5);
  });

  it('picks the sharpest frame of a showing', () => {
    const fps = 4;
    const sharpIndex = 5.25 * fps;
    const { showings } = runSelector(9, [{ x: 90, y: 50, w: 120, h: 76, from: 3, to: 7, blur: 1, sharpAt: [sharpIndex] }], fps);
    assert.equal(showings.length, 1);
    assert.equal(showings[0]!.best.index, sharpIndex);
  });

  it('reports a brief showing with its short span, and nothing for a whole-picture change (a cut)', () => {
    const brief = runSelector(6, [{ x: 100, y: 60, w: 110, h: 70, from: 2, to: 2.75 }]).showings;
    assert.equal(brief.length, 1);
    assert.ok(brief[0]!.to - brief[0]!.from < 1, `${brief[0]!.from}–${brief[0]!.to}`);
    const cut = runSelector(10, [], 4, (t) => ({ brightness: t >= 5 ? 40 : 0 })).showings;
    assert.deepEqual(cut, []);
  });

  it('keeps a changed paper patch out of the scene model for holdChangedS, though it is not (yet) a document', () => {
    // A card laid over something as bright as itself changes only where its print is; found late, it must
    // not have been absorbed meanwhile (other-shengyuan-12: a 身份证 overlay on a white shirt, never read).
    const selector = new DocumentSelector(DEFAULT_SELECT_CONFIG);
    const patch = (g: Buffer): Buffer => {
      // Blank paper, no print: it fails the text test, so no region freezes the model under it.
      for (let y = 60; y < 130; y++) for (let x = 100; x < 210; x++) g[y * W + x] = 238;
      return g;
    };
    const wallAt = (sel: DocumentSelector): number => {
      const { bw, muBg } = sel.blocks();
      return muBg[Math.floor(95 / 8) * bw + Math.floor(150 / 8)]!;
    };
    const fps = 4;
    for (let i = 0; i < 2 * fps; i++) selector.push({ t: i / fps, index: i, width: W, height: H, data: sceneFrame(i / fps, 1000 + i, []) });
    const before = wallAt(selector);
    // 2.5 s: longer than the model takes to absorb a patch (adapt 0.1 per frame), shorter than the hold.
    const holdFrames = 2.5 * fps;
    for (let i = 2 * fps; i < 2 * fps + holdFrames; i++) selector.push({ t: i / fps, index: i, width: W, height: H, data: patch(sceneFrame(i / fps, 1000 + i, [])) });
    assert.ok(Math.abs(wallAt(selector) - before) < 1, `scene model moved from ${before} to ${wallAt(selector)} while held`);
    for (let i = 2 * fps + holdFrames; i < 2 * fps + holdFrames + 12 * fps; i++) selector.push({ t: i / fps, index: i, width: W, height: H, data: patch(sceneFrame(i / fps, 1000 + i, [])) });
    assert.ok(wallAt(selector) > 230, `a patch that stays is part of the scene in the end (${wallAt(selector)})`);
  });

  it('measures blur as a lower variance of the Laplacian', () => {
    const crisp = sceneFrame(4, 1, [{ x: 100, y: 60, w: 110, h: 70, from: 3, to: 6 }]);
    const soft = sceneFrame(4, 1, [{ x: 100, y: 60, w: 110, h: 70, from: 3, to: 6, blur: 1 }]);
    const region = { x: 105 / W, y: 65 / H, w: 100 / W, h: 60 / H };
    assert.ok(laplacianVariance(crisp, W, H, region) > 4 * laplacianVariance(soft, W, H, region));
  });
});

describe('documents: cropping the frame read', () => {
  it('keeps the document\'s region with its margin, and where it sat in the frame', () => {
    const frame = { t: 0.75, width: 40, height: 20, rgb: Buffer.alloc(40 * 20 * 3) };
    for (let i = 0; i < 40 * 20; i++) frame.rgb[i * 3] = i % 40; // red = column
    const crop = cropShowing(frame, { x: 0.25, y: 0.25, w: 0.5, h: 0.5 }, 0);
    assert.deepEqual(crop.rect, { x: 10, y: 5, w: 20, h: 10 });
    assert.equal(crop.rgb.length, 20 * 10 * 3);
    assert.equal(crop.rgb[0], 10);
    assert.equal(crop.t, 0.75);
    assert.deepEqual([crop.frameWidth, crop.frameHeight], [40, 20]);
    const wide = cropShowing(frame, { x: 0.25, y: 0.25, w: 0.5, h: 0.5 }, 0.1);
    assert.deepEqual(wide.rect, { x: 8, y: 4, w: 24, h: 12 });
  });
});

// What PP-OCR read off the fixture cards (360p), row by row, as the classifier and field extractors get it.
const LICENCE_ROWS = [
  '保险销售从业人员执业证',
  '姓 名：王丽华',
  '执业证编号： 照片',
  '0201320106588021',
  '执业区域：江苏省南京市',
  '所属机构：明诚人寿保险股份有限公司',
  '发证日期：2023年06月01日 有效期至：2028年05月31日',
];
const ID_ROWS = ['姓名张建国', '性别男民族汉', '出生1962 年 5 月 14 日 照片', '住址 江苏省南京市鼓楼区', '中山北路188号', '样本 SPECIMEN', '公民身份号码320106196205140177'];
const NOTICE_ROWS = ['人身保险投保提示书', '明诚人寿保险股份有限公司', '尊敬的客户：', '一、您购买的是保险产品，', '不是存款或理财产品。', '犹豫期为收到保单后十五日。'];
const TERMS_ROWS = ['明诚安享年金保险条款', '明诚人寿保险股份有限公司', '第一条 保险合同构成', '第二条 投保范围', '第三条 保险期间：十年', '第四条 保险责任', '第五条 责任免除'];
const EXCLUSION_ROWS = ['免责条款说明书', '明诚人寿保险股份有限公司', '因下列情形之一导致被保险人', '身故的，本公司不承担给付', '（二）被保险人故意犯罪；', '（三）酒后驾驶、无证驾驶。'];
const FORM_ROWS = ['人身保险投保单', '投保人：张建国 被保险人：张建国', '年交保费：12,000元 交费期间：5年', '风险提示语句抄录：', '投保人签名： 张建国'];

/** The committed table (rules/documents/keywords-1.0.0.yaml). */
const DEFAULT_KEYWORD_TABLE = loadKeywordTable().table;

describe('documents: classification', () => {
  it('matches keywords approximately (a slip within the tolerance, none for short words)', () => {
    assert.equal(substringEdits('投保提示书', '人身保险投保提示书'), 0);
    assert.equal(substringEdits('投保提示书', '人身保险投保捉示书'), 1);
    assert.equal(keywordSimilarity('投保提示书', '人身保险投保捉示书', DEFAULT_KEYWORD_TABLE), 0.8);
    assert.equal(keywordSimilarity('执业证', '执丝证', DEFAULT_KEYWORD_TABLE), 0, 'three characters must match exactly');
    assert.equal(keywordSimilarity('免责条款', '保险条款', DEFAULT_KEYWORD_TABLE), 0, 'two of four characters wrong is another word');
  });

  it('classifies each fixture document from its OCR text', () => {
    const cases: [string[], string, string?][] = [
      [LICENCE_ROWS, 'agent_licence'],
      [ID_ROWS, 'id_card'],
      [NOTICE_ROWS, 'risk_notice'],
      [TERMS_ROWS, 'policy_terms'],
      [EXCLUSION_ROWS, 'exclusions'],
      [FORM_ROWS, 'other', 'application_form'],
    ];
    for (const [rows, type, label] of cases) {
      const c = classifyText(rows, DEFAULT_KEYWORD_TABLE);
      assert.equal(c.type, type, `${rows[0]} → ${JSON.stringify(c)}`);
      assert.equal(c.label, label);
      assert.ok(c.confidence >= 0.6, `${type} confidence ${c.confidence}`);
    }
  });

  it('survives OCR slips in every line (明战人寿, 捉示, 执业征)', () => {
    const slipped = (rows: string[], from: string, to: string): string[] => rows.map((r) => r.replace(from, to));
    assert.equal(classifyText(slipped(NOTICE_ROWS, '提示书', '捉示书'), DEFAULT_KEYWORD_TABLE).type, 'risk_notice');
    assert.equal(classifyText(slipped(slipped(LICENCE_ROWS, '明诚', '明战'), '从业人员执业证', '从业人员执业征'), DEFAULT_KEYWORD_TABLE).type, 'agent_licence');
    assert.equal(classifyText(slipped(EXCLUSION_ROWS, '免责条款', '免贵条款'), DEFAULT_KEYWORD_TABLE).type, 'exclusions');
  });

  it('says other for text it does not know, and for nothing read', () => {
    const none = classifyText([], DEFAULT_KEYWORD_TABLE);
    assert.equal(none.type, 'other');
    assert.equal(none.confidence, 0);
    const unknown = classifyText(['今日菜单', '红烧肉 二十元'], DEFAULT_KEYWORD_TABLE);
    assert.equal(unknown.type, 'other');
    assert.equal(unknown.label, undefined);
  });

  it('takes its keywords and layout cues from the table, which a rulebook can replace', () => {
    const table: KeywordTable = {
      ...DEFAULT_KEYWORD_TABLE,
      classes: [{ type: 'agent_licence', label: 'badge', keywords: [{ text: '工作牌', weight: 2 }], aspect: { min: 0.5, max: 0.8, weight: 1 } }],
    };
    assert.equal(classifyText(['明诚人寿 工作牌'], table).type, 'other', 'below minScore without the cue');
    const c = classifyText(['明诚人寿 工作牌'], table, { aspect: 0.7 });
    assert.equal(c.type, 'agent_licence');
    assert.equal(c.label, 'badge');
    assert.ok(c.matched.some((m) => m.startsWith('aspect')));
  });
});

describe('documents: fields', () => {
  it('checks ID numbers with the GB 11643 check character', () => {
    assert.equal(gb11643CheckChar('11010519491231002'), 'X');
    assert.ok(isValidIdNumber('11010519491231002X'));
    assert.ok(isValidIdNumber('320106196205140177'));
    assert.ok(!isValidIdNumber('320106196205140178'));
    assert.ok(!isValidIdNumber('11010519491231002x'), 'lower-case x is normalised by the reader, not accepted here');
    assert.throws(() => gb11643CheckChar('123'), { name: 'RangeError', message: /expected 17 digits, got 3 characters/ });
  });

  it('finds ID numbers in OCR text, repairing digit look-alikes and a lower-case x', () => {
    assert.deepEqual(findIdNumbers('公民身份号码32O1O6196205140177'), [{ value: '320106196205140177', valid: true }]);
    assert.deepEqual(findIdNumbers('号码 1101 0519 4912 3100 2x'), [{ value: '11010519491231002X', valid: true }]);
    assert.deepEqual(findIdNumbers('320106196205140178'), [{ value: '320106196205140178', valid: false }]);
    assert.deepEqual(findIdNumbers('编号0201320106588021'), [], 'a 16-digit licence number is not an ID number');
    assert.equal(normaliseDigits('SL-0327 2O26'), 'SL-0327 2026');
  });

  it('reads the 执业证: licence number masked and compared with the sidecar, name and company', () => {
    const f = extractLicenceFields(LICENCE_ROWS, { hashKey: 'k', expected: { agentName: '王丽华', licenceNo: '0201320106588021' } });
    assert.equal(f.licenceNo?.masked, '02************21');
    assert.equal(f.licenceNo?.length, 16);
    assert.equal(f.licenceNo?.expected, 'exact');
    assert.equal(f.licenceNo?.hash, keyedHash('0201320106588021', 'k'));
    assert.equal(f.agentName, '王丽华');
    assert.equal(f.agentNameExpected, 'exact');
    assert.equal(f.company, '明诚人寿保险股份有限公司');
    const slip = extractLicenceFields(LICENCE_ROWS.map((r) => r.replace('0201320106588021', '0201320106588O27')), { expected: { licenceNo: '0201320106588021' } });
    assert.equal(slip.licenceNo?.expected, 'near');
    assert.equal(slip.licenceNo?.hash, undefined, 'no key, no hash');
    assert.equal(agreement('0201440103725516', '0201320106588021'), 'different');
  });

  it('reads the 身份证 number masked, hashed under a key, with the printed birth date cross-checked — never in clear', () => {
    const f = extractIdCardFields(ID_ROWS, { hashKey: 'deployment-secret' });
    assert.equal(f.idNumber?.masked, '3201**********0177');
    assert.equal(f.idNumber?.valid, true);
    assert.match(f.idNumber?.hash ?? '', /^hmac-sha256:[0-9a-f]{64}$/);
    assert.notEqual(f.idNumber?.hash, keyedHash('320106196205140177', 'another-secret'));
    assert.equal(f.birthDateAgrees, true);
    assert.ok(!JSON.stringify(f).includes('320106196205140177'));
    assert.deepEqual(extractIdCardFields(['姓名张建国']), {});
  });

  it('masks the text sample', () => {
    const sample = maskedSample(`${LICENCE_ROWS.join(' ')} ${ID_ROWS.at(-1)!}`, 400);
    assert.ok(!sample.includes('0201320106588021') && !sample.includes('320106196205140177'), sample);
    assert.ok(sample.includes('02************21') && sample.includes('3201**********0177'), sample);
    assert.ok(maskedSample('很长'.repeat(100), 10).endsWith('…'));
  });
});

// ---------------------------------------------------------------------------------------------------------
// The burned-in clock, read by a fake OCR engine: the clock's pixels carry the frame index (R + 256 G,
// B = 7), and the fake answers with the clock text a schedule gives for that frame's media time.

const CLOCK_MARK = 7;

/** Writes the frame index into the clock's pixels (a box at the top right) of an RGB frame. */
function stampClock(rgb: Buffer, width: number, index: number, box: { x0: number; y0: number; x1: number; y1: number }): void {
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = index & 255;
      rgb[i + 1] = index >> 8;
      rgb[i + 2] = CLOCK_MARK;
    }
  }
}

function clockFrame(index: number, fps: number, width = 64, height = 36): { t: number; index: number; width: number; height: number; data: Buffer } {
  const data = Buffer.alloc(width * height * 3, 200);
  for (let i = 2; i < data.length; i += 3) data[i] = 200;
  stampClock(data, width, index, { x0: width - 24, y0: 2, x1: width - 2, y1: 8 });
  return { t: index / fps, index, width, height, data };
}

function fmtClock(s: number): string {
  return new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

const BASE = Date.UTC(2026, 2, 18, 9, 2, 0) / 1000;

/** The frame index stamped in the clock's pixels inside a rectangle, and their bounds; index −1 when none. */
function findStamp(rgb: Buffer, width: number, height: number, within = { x0: 0, y0: 0, x1: width, y1: height }): { index: number; x0: number; y0: number; x1: number; y1: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let index = -1;
  for (let y = Math.max(0, Math.floor(within.y0)); y < Math.min(height, Math.ceil(within.y1)); y++) {
    for (let x = Math.max(0, Math.floor(within.x0)); x < Math.min(width, Math.ceil(within.x1)); x++) {
      const i = (y * width + x) * 3;
      if (rgb[i + 2] !== CLOCK_MARK) continue;
      index = rgb[i]! + 256 * rgb[i + 1]!;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
  }
  return { index, x0, y0, x1, y1 };
}

/** Reads clock stamps; other content is answered by `other` (documents), when given. With `quick`, it can also recognise given line boxes. */
class FakeOcr implements OcrEngineLike {
  readonly name = 'fake-ocr';
  calls = 0;
  quickCalls = 0;
  readonly recognize?: OcrEngineLike['recognize'];
  constructor(
    private readonly fps: number,
    private readonly clock: (t: number) => string | null,
    private readonly other: (rgb: Buffer, width: number, height: number) => OcrLineLike[] = () => [],
    quick = true,
  ) {
    if (quick) this.recognize = (rgb, width, height, boxes) => this.recognizeBoxes(rgb, width, height, boxes);
  }

  async readLines(rgb: Buffer, width: number, height: number): Promise<OcrLineLike[]> {
    this.calls++;
    const { index, x0, y0, x1, y1 } = findStamp(rgb, width, height);
    const lines = this.other(rgb, width, height);
    const text = index >= 0 ? this.clock(index / this.fps) : null;
    if (text) lines.unshift({ text, score: 0.99, box: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] });
    return lines;
  }

  private async recognizeBoxes(rgb: Buffer, width: number, height: number, boxes: readonly { box: Point[] }[]): Promise<OcrLineLike[]> {
    this.calls++;
    this.quickCalls++;
    return boxes.map(({ box }) => {
      const b = quadBounds(box);
      const { index } = findStamp(rgb, width, height, { x0: b.x0, y0: b.y0, x1: b.x1 + 1, y1: b.y1 + 1 });
      const text = index >= 0 ? this.clock(index / this.fps) : null;
      return { text: text ?? '', score: text ? 0.99 : 0.1, box };
    });
  }
}

/** What the decode would give the clock tap: the clock's region cut out of each frame. */
async function readClock(durationS: number, clock: (t: number) => string | null, config: Partial<ClockConfig> = {}, fps = 4, quick = true) {
  const ocr = new FakeOcr(fps, clock, undefined, quick);
  // The reader's logic is tested at a reading every 2 s (the default spacing is a cost setting).
  const settings = { ...DEFAULT_CLOCK_CONFIG, everyS: 2, ...config };
  const frameAt = async (t: number) => {
    const f = clockFrame(Math.round(t * fps), fps);
    return { width: f.width, height: f.height, rgb: f.data };
  };
  const location = await locateClock(ocr, frameAt, settings, durationS);
  const reader = new ClockReader(ocr, settings, location);
  for (let i = 0; location.region && i < durationS * fps; i++) {
    const f = clockFrame(i, fps);
    const crop = cropRgb(f.data, f.width, f.height, toPixels(location.region, f.width, f.height));
    await reader.onCrop({ t: f.t, width: crop.width, height: crop.height, data: crop.rgb });
  }
  return { summary: reader.finish(), calls: ocr.calls, quickCalls: ocr.quickCalls };
}

/** A clock that shows whole seconds of BASE + t, plus `jump` from `at` on. */
const steady = (jump = 0, at = Infinity) => (t: number): string => fmtClock(BASE + Math.floor(t) + (t >= at ? jump : 0));

describe('documents: the burned-in clock', () => {
  it('parses the recorder clock through OCR confusions, and rejects impossible dates', () => {
    const want = BASE + 5;
    for (const text of ['2026-03-18 09:02:05', '2O26-03-18 O9:02:05', '2026-03-1809.02.05', '2026-03-18 09:02:0S', '2026年03月18日 09:02:05', 'REC 2026-03-18 09:O2:05']) {
      assert.equal(parseClock(text)?.clockS, want, text);
    }
    assert.equal(parseClock('2026-03-18 09:02:05')?.text, '2026-03-18 09:02:05');
    for (const text of ['2026-13-18 09:02:05', '2026-02-31 09:02:05', '2026-03-18 25:02:05', '明诚人寿双录系统', '']) assert.equal(parseClock(text), null, text);
  });

  it('finds the clock among the lines of a whole frame, also when read as two boxes', () => {
    const box = (x0: number, x1: number): [number, number][] => [[x0, 10], [x1, 10], [x1, 30], [x0, 30]];
    const one = findClockLine([{ text: 'REC 明诚人寿双录系统', score: 0.9, box: box(0, 100) }, { text: '2026-03-18 09:02:05', score: 0.99, box: box(500, 630) }]);
    assert.equal(one?.parsed.clockS, BASE + 5);
    const two = findClockLine([{ text: '09:02:05', score: 0.97, box: box(570, 630) }, { text: '2026-03-18', score: 0.98, box: box(490, 560) }]);
    assert.equal(two?.parsed.clockS, BASE + 5);
    assert.deepEqual(two?.line.box[0], [490, 10]);
  });

  it('finds the clock by itself, reads it every 2 s and reports no jump in a continuous recording', async () => {
    for (const quick of [true, false]) {
      const { summary, calls, quickCalls } = await readClock(60, steady(), {}, 4, quick);
      assert.equal(summary.status, 'ok', summary.reason);
      assert.equal(summary.regionFrom, 'search');
      assert.equal(summary.readings, 30);
      assert.deepEqual(summary.jumps, []);
      assert.equal(summary.clockAtStart, '2026-03-18T09:02:00');
      assert.ok(summary.series.every(([, off]) => Math.abs(off) < 1));
      assert.equal(calls, 31, 'one search, then one reading per 2 s');
      // After the first full read found the line, the others only recognise it.
      assert.equal(quickCalls, quick ? 29 : 0);
      assert.equal(summary.quickReads, quick ? 29 : 0);
      assert.deepEqual(clockDefects(summary), []);
    }
  });

  it('finds a +197 s jump at 50 s, placed to the frame by bisecting the kept crops', async () => {
    for (const at of [50, 50.5, 51.25]) {
      const { summary } = await readClock(70, steady(197, at));
      assert.equal(summary.jumps.length, 1, JSON.stringify(summary.jumps));
      const j = summary.jumps[0]!;
      assert.equal(j.at, at);
      assert.equal(j.jumpS, 197);
      const [d] = clockDefects(summary);
      assert.equal(d?.type, 'clock_jump');
      assert.equal(d?.at, at);
      assert.equal(d?.jumpS, 197);
      assert.equal(d?.source, 'picture');
    }
    const back = await readClock(40, steady(-30, 20));
    assert.equal(back.summary.jumps[0]?.jumpS, -30);
  });

  it('does not call a single misread a jump, nor a clock that stood still while the picture froze', async () => {
    const misread = await readClock(40, (t) => (t === 20 ? '2026-03-18 09:08:20' : steady()(t)));
    assert.deepEqual(misread.summary.jumps, []);
    assert.equal(misread.summary.outliers, 1);
    const frozen = await readClock(60, (t) => steady()(t >= 30 && t < 38 ? 30 : t));
    assert.deepEqual(frozen.summary.jumps, []);
    // Between the first and the last reading that showed the same time (the clock restarted before the next one, at 38 s).
    assert.deepEqual(frozen.summary.stalls, [{ from: 30, to: 36 }]);
  });

  it('says when the clock cannot be judged: too few readings, a long unread stretch, not found, off', async () => {
    const rare = await readClock(60, (t) => (t < 4 ? steady()(t) : null));
    assert.equal(rare.summary.status, 'unreadable');
    assert.match(rare.summary.reason ?? '', /read in 2 of 30 attempts/);
    const gap = await readClock(60, (t) => (t >= 20 && t < 45 ? null : steady()(t)));
    assert.equal(gap.summary.status, 'partial');
    assert.deepEqual(gap.summary.unread, [{ from: 18, to: 46 }]);
    const none = await readClock(40, () => null);
    assert.equal(none.summary.status, 'not_found');
    assert.equal(none.calls, DEFAULT_CLOCK_CONFIG.maxSearches);
    const off = await readClock(10, steady(), { region: 'off' });
    assert.equal(off.summary.status, 'off');
    assert.equal(off.calls, 0);
    const given = await readClock(10, steady(), { region: { x: 0.6, y: 0, w: 0.4, h: 0.3 } });
    assert.equal(given.summary.regionFrom, 'config');
    assert.equal(given.calls, 5, 'no search when the region is given');
  });
});

// ---------------------------------------------------------------------------------------------------------
// The whole pass on synthetic frames: grey 320 × 180 frames for the selector, colour 640 × 360 frames (the
// grey picture doubled) in which each card's pixels carry its code (blue = grey − code) and the clock's
// pixels carry the frame index; the fake OCR answers each crop by the code it finds.

const FACTS: MediaFacts = {
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  sizeBytes: 1,
  durationS: 36,
  startS: 0,
  bitRate: null,
  video: { index: 0, codec: 'h264', width: 640, height: 360, rotation: 0, fps: 25, durationS: 36, startS: 0 },
  audio: null,
  videoStreams: 1,
  audioStreams: 0,
};

const CODES: Record<number, string[]> = { 1: LICENCE_ROWS, 2: ID_ROWS, 3: [], 5: EXCLUSION_ROWS };

/** Reads the document code off a crop: the most common blue deficit among grey-looking pixels. */
function documentLines(rgb: Buffer, width: number, height: number): OcrLineLike[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < width * height * 3; i += 3) {
    const d = rgb[i]! - rgb[i + 2]!;
    if (rgb[i] === rgb[i + 1] && d >= 1 && d <= 9) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  const code = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const rows = code ? (CODES[code] ?? []) : [];
  const h = height / Math.max(1, rows.length);
  return rows.map((text, i) => ({ text, score: 0.98, box: [[4, i * h + 1], [width - 4, i * h + 1], [width - 4, (i + 1) * h - 1], [4, (i + 1) * h - 1]] }));
}

const PASS_CARDS: Card[] = [
  { x: 100, y: 60, w: 110, h: 70, from: 3, to: 7.5, code: 1 },
  { x: 120, y: 80, w: 100, h: 64, from: 10, to: 10.75, code: 2 },
  { x: 110, y: 40, w: 90, h: 120, from: 14, to: 18, code: 3, blur: 2 },
  { x: 110, y: 40, w: 90, h: 120, from: 22, to: 26, code: 5 },
];

/** The colour picture of frame i: the grey scene doubled, each card's pixels carrying its code, the clock stamped. */
function colourFrame(i: number, fps: number): { grey: Buffer; rgb: Buffer } {
  const mask = new Uint8Array(W * H);
  const grey = sceneFrame(i / fps, 5000 + i, PASS_CARDS, { index: i, mask });
  const rgb = Buffer.alloc(640 * 360 * 3);
  for (let y = 0; y < 360; y++) {
    for (let x = 0; x < 640; x++) {
      const k = (y >> 1) * W + (x >> 1);
      const v = grey[k]!;
      const o = (y * 640 + x) * 3;
      rgb[o] = v;
      rgb[o + 1] = v;
      rgb[o + 2] = Math.max(0, v - mask[k]!);
    }
  }
  stampClock(rgb, 640, i, { x0: 480, y0: 8, x1: 630, y1: 30 });
  return { grey, rgb };
}

async function runPass(order: 'grey-first' | 'clock-first', facts: MediaFacts = FACTS): Promise<{ result: DocumentPassResult; ocr: FakeOcr; frameTimes: number[]; steps: number }> {
  const fps = 4;
  const ocr = new FakeOcr(fps, steady(60, 30), documentLines);
  // The synthetic print is finer than real print: its blurred card (sharpness ≈ 600) is under a floor of 1000 here.
  const legibility = { ...DEFAULT_DOCUMENT_PASS_CONFIG.legibility, minSharpness: 1000 };
  const clock = { ...DEFAULT_DOCUMENT_PASS_CONFIG.clock, everyS: 2 };
  const config = { ...DEFAULT_DOCUMENT_PASS_CONFIG, fps, legibility, clock, hashKey: 'k', expected: { agentName: '王丽华', licenceNo: '0201320106588021' } };
  // Frames decoded again on their own (the clock search, one per showing): the frame shown at t.
  const frameTimes: number[] = [];
  const frames = {
    frameAt: async (t: number, width: number, height: number) => {
      assert.deepEqual([width, height], [640, 360]);
      frameTimes.push(t);
      return { width, height, rgb: colourFrame(Math.round(t * fps), fps).rgb };
    },
  };
  let steps = 0;
  const pass = await documentPass(facts, ocr, config, frames, undefined, () => steps++);
  const [selectTap, clockTap] = pass.videoTaps;
  assert.ok(selectTap && clockTap?.crop);
  const cut = clockTap.crop;
  for (let i = 0; i < 36 * fps; i++) {
    const t = i / fps;
    const { grey, rgb } = colourFrame(i, fps);
    // What ffmpeg's crop gives the clock tap (at the scale documents are read at: 1 here).
    const region = cropRgb(rgb, 640, 360, cut);
    const small: VideoFrame = { t, index: i, width: W, height: H, channels: 1, data: grey };
    const clockCrop: VideoFrame = { t, index: i, width: region.width, height: region.height, channels: 3, data: region.rgb };
    if (order === 'grey-first') {
      await selectTap.onFrame(small);
      await clockTap.onFrame(clockCrop);
    } else {
      await clockTap.onFrame(clockCrop);
      await selectTap.onFrame(small);
    }
  }
  const result = await pass.finish(36);
  return { result, ocr, frameTimes, steps };
}

describe('documents: the pass', () => {
  it('asks the decode for a small grey tap and, once the clock is found, only its region in colour', async () => {
    const fps = 4;
    const frames = { frameAt: async (t: number, width: number, height: number) => ({ width, height, rgb: colourFrame(Math.round(t * fps), fps).rgb }) };
    const pass = await documentPass(FACTS, new FakeOcr(fps, steady()), DEFAULT_DOCUMENT_PASS_CONFIG, frames);
    assert.deepEqual(
      pass.videoTaps.map((t) => [t.name, t.width, t.height, t.fps, t.pixFmt]),
      [
        ['documents-select', 320, undefined, 4, 'gray'],
        ['documents-clock', pass.videoTaps[1]!.crop!.w, pass.videoTaps[1]!.crop!.h, 4, 'rgb24'],
      ],
    );
    // The stamp (480–630 × 8–30) inside the crop, with the search's margin; nowhere near the whole frame.
    const crop = pass.videoTaps[1]!.crop!;
    assert.ok(crop.x <= 480 && crop.x + crop.w >= 630 && crop.y <= 8 && crop.y + crop.h >= 30, JSON.stringify(crop));
    assert.ok(crop.w * crop.h < (640 * 360) / 10, JSON.stringify(crop));
    const noClock = await documentPass(FACTS, new FakeOcr(fps, () => null), DEFAULT_DOCUMENT_PASS_CONFIG, frames);
    assert.deepEqual(noClock.videoTaps.map((t) => t.name), ['documents-select']);
    assert.deepEqual((await documentPass({ ...FACTS, video: null }, new FakeOcr(fps, () => null), DEFAULT_DOCUMENT_PASS_CONFIG, frames)).videoTaps, []);
  });

  it('finds, reads and classifies each showing; brief and blurred ones are illegible with the reason; the clock jump is a defect', async () => {
    const { result, frameTimes, steps } = await runPass('grey-first');
    const b = result.body;
    assert.equal(b.frames, 144);
    const shown = b.showings.map((s) => [s.type, s.legible]);
    assert.deepEqual(shown, [
      ['agent_licence', true],
      ['id_card', false],
      ['other', false],
      ['exclusions', true],
    ]);
    const [licence, id, blurred, exclusions] = b.showings;
    assert.ok(Math.abs(licence!.from - 3) <= 0.5 && Math.abs(licence!.to - 7.5) <= 0.5, `${licence!.from}–${licence!.to}`);
    assert.deepEqual(licence!.fields, {
      licenceNo: { masked: '02************21', hash: licence!.fields && 'licenceNo' in licence!.fields ? licence!.fields.licenceNo?.hash : '', length: 16, expected: 'exact' },
      agentName: '王丽华',
      agentNameExpected: 'exact',
      company: '明诚人寿保险股份有限公司',
    });
    assert.match(id!.reason ?? '', /held still 0\.\d+ s \(< 1 s\)/);
    assert.equal(id!.textSample.includes('张建国'), false, 'private: keywords only');
    assert.match(blurred!.reason ?? '', /too blurred/);
    assert.ok(exclusions!.confidence > 0.5);
    // The labelled timeline: typed or read showings (the unread blur is left to `showings`).
    assert.deepEqual(
      b.documents.map((d) => [d.type, d.legible]),
      [
        ['agent_licence', true],
        ['id_card', false],
        ['exclusions', true],
      ],
    );
    assert.ok(!JSON.stringify(b).includes('0201320106588021') && !JSON.stringify(b).includes('320106196205140177'), 'no number in clear');
    assert.equal(b.clock.status, 'ok');
    assert.deepEqual(
      b.defects.map((d) => [d.type, d.at, d.jumpS]),
      [['clock_jump', 30, 60]],
    );
    // Decoded again: one frame to find the clock, then the chosen frame of each of the four showings.
    assert.deepEqual(b.reread, { frames: 5, ms: b.reread.ms, failed: 0, notRead: 0 });
    assert.equal(frameTimes[0], 0);
    for (const s of b.showings) assert.ok(s.readAt !== null && frameTimes.includes(s.readAt) && s.readAt >= s.from && s.readAt < s.to, `${s.readAt} in ${s.from}–${s.to}`);
    assert.equal(b.ocr.byUse.clockSearch.calls, 1);
    assert.equal(b.ocr.byUse.documents.calls, 4);
    // Each frame decoded again and each document read outside the decode is a step the activity heartbeats on.
    assert.equal(steps, b.reread.frames + b.ocr.byUse.documents.calls);
    assert.equal(b.ocr.calls, b.ocr.byUse.clockSearch.calls + b.ocr.byUse.clock.calls + b.ocr.byUse.documents.calls);
  });

  it('gives evidence pictures with numbers blacked out and private cards coarsened', async () => {
    const { result } = await runPass('grey-first');
    assert.equal(result.snapshots.length, 4);
    const licence = result.snapshots[0]!;
    assert.equal(licence.showingId, 1);
    // The licence number is the fourth of seven rows: its middle is black.
    const x = Math.round(licence.width / 2);
    const y = Math.round((licence.height * 3.5) / 7);
    assert.equal(licence.rgb[(y * licence.width + x) * 3], 0);
    const id = result.snapshots[1]!;
    assert.match(id.why, /id_card/);
    // Coarsened: every pixel of the top-left cell has one colour.
    const cell = Math.max(4, Math.round(Math.min(id.width, id.height) / 24));
    const first = id.rgb.subarray(0, 3);
    for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) assert.ok(id.rgb.subarray((y * id.width + x) * 3, (y * id.width + x) * 3 + 3).equals(first));
  });

  it('gives the same result whichever tap delivers a frame first', async () => {
    const a = (await runPass('grey-first')).result.body;
    const b = (await runPass('clock-first')).result.body;
    const noMs = (u: { calls: number; ms: number }) => ({ ...u, ms: 0 });
    const strip = (x: typeof a): unknown => ({
      ...x,
      ocr: { ...x.ocr, ms: 0, byUse: { clockSearch: noMs(x.ocr.byUse.clockSearch), clock: noMs(x.ocr.byUse.clock), documents: noMs(x.ocr.byUse.documents) } },
      reread: { ...x.reread, ms: 0 },
    });
    assert.deepEqual(strip(b), strip(a));
  });
});

// ---------------------------------------------------------------------------------------------------------
// The real thing: generated recordings (360p), one decode, PP-OCRv6 small. The model files are prepared first
// when missing (`python3 scripts/prepare-models.py`, as setup does), so these never skip.

describe('documents: generated recordings with PP-OCR', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-docs-'));
  const results = new Map<string, { labels: Labels; body: DocumentPassResult['body']; seconds: number }>();

  before(async () => {
    await ensureModels();
    const ocr: OcrEngineLike = await loadOcrEngine();
    for (const name of ['compliant_onsite', 'spliced'] as const) {
      const made = await generateCase(name, dir, { height: 360 });
      const labels = labelsSchema.parse(JSON.parse(fs.readFileSync(made.labels, 'utf8')));
      const meta = made.meta ? (JSON.parse(fs.readFileSync(made.meta, 'utf8')) as { agent?: { name?: string; licenceNo?: string } }) : {};
      const probe = await probeMedia(made.media);
      assert.ok(probe.ok);
      const started = Date.now();
      const config = { ...DEFAULT_DOCUMENT_PASS_CONFIG, hashKey: 'test', expected: { agentName: meta.agent?.name, licenceNo: meta.agent?.licenceNo } };
      const pass = await documentPass(probe.facts, ocr, config, framesOf(made.media, probe.facts));
      const decoded = await decodeOnce(made.media, probe.facts, { videoTaps: pass.videoTaps });
      const { body } = await pass.finish(decoded.videoDecodedS);
      results.set(name, { labels, body, seconds: (Date.now() - started) / 1000 });
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds every labelled document with its type, within ±1 s, and nothing else', (t) => {
    for (const [name, { labels, body, seconds }] of results) {
      const overlap = (a: { from: number; to: number }, b: { from: number; to: number }): number => Math.min(a.to, b.to) - Math.max(a.from, b.from);
      const matched = labels.documents.filter((l) => body.documents.some((d) => d.type === l.type && overlap(l, d) > 0));
      const precise = body.documents.filter((d) => labels.documents.some((l) => l.type === d.type && overlap(l, d) > 0));
      t.diagnostic(
        `${name}: recall ${matched.length}/${labels.documents.length}, precision ${precise.length}/${body.documents.length}, ` +
          `${body.ocr.calls} OCR calls (${body.ocr.ms} ms), ${seconds.toFixed(1)} s for ${body.frames / body.sampleFps} s of video`,
      );
      assert.equal(matched.length, labels.documents.length, `${name}: ${JSON.stringify(body.documents)}`);
      assert.equal(precise.length, body.documents.length, `${name}: ${JSON.stringify(body.documents)}`);
      for (const l of labels.documents) {
        const d = body.documents.find((x) => x.type === l.type && overlap(l, x) > 0)!;
        assert.ok(Math.abs(d.from - l.from) <= 1 && Math.abs(d.to - l.to) <= 1, `${name} ${l.type}: ${d.from}–${d.to} vs ${l.from}–${l.to}`);
        assert.equal(d.legible, true, `${name} ${l.type}`);
      }
      const licence = body.showings.find((s) => s.type === 'agent_licence');
      assert.deepEqual(
        licence && 'licenceNo' in licence.fields ? [licence.fields.licenceNo?.expected, licence.fields.agentNameExpected] : [],
        ['exact', 'exact'],
      );
      const id = body.showings.find((s) => s.type === 'id_card');
      assert.equal(id && 'idNumber' in id.fields ? id.fields.idNumber?.valid : undefined, true);
    }
  });

  it('reads the clock throughout, and finds the splice\'s clock jump at 50 s ±1 s (and none in the compliant recording)', (t) => {
    const onsite = results.get('compliant_onsite')!.body;
    assert.equal(onsite.clock.status, 'ok', onsite.clock.reason);
    assert.deepEqual(onsite.defects, []);
    const spliced = results.get('spliced')!;
    assert.equal(spliced.body.clock.status, 'ok', spliced.body.clock.reason);
    const want = spliced.labels.defects.find((d) => d.type === 'clock_jump');
    const got = spliced.body.defects.filter((d) => d.type === 'clock_jump');
    t.diagnostic(`spliced clock: ${spliced.body.clock.readings} readings of ${spliced.body.clock.attempts}; jump ${JSON.stringify(got.map((d) => [d.at, d.jumpS]))}, labelled ${JSON.stringify(want)}`);
    assert.equal(got.length, 1);
    assert.ok(Math.abs(got[0]!.at! - (want?.at ?? 50)) <= 1, `at ${got[0]!.at}`);
    assert.ok(Math.abs(Number(got[0]!.jumpS) - Number(want?.jumpS ?? 197)) <= 1, `jump ${String(got[0]!.jumpS)}`);
  });
});
