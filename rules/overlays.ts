// Choosing and applying overlays: which ones a recording's sidecar selects (region, product type, channel,
// remote, customer age), and the effective rulebook they produce. The result is an ordinary rulebook with
// a combined hash, so the judge and reports need no special case.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { Sidecar } from '../lib/labelled';
import { compareVersions, RulebookError, rulebooksDir, type LoadedRulebook } from './load';
import { overlaySchema, rulebookSchema, ruleSchema, type Overlay } from './schema';

export interface LoadedOverlay {
  overlay: Overlay;
  sha256: string;
  file: string;
}

export interface AppliedOverlay {
  id: string;
  version: string;
  sha256: string;
  example: boolean;
}

function overlaysDir(): string {
  return path.join(rulebooksDir(), 'overlays');
}

export function parseOverlay(text: string, file: string): LoadedOverlay {
  const result = overlaySchema.safeParse(parse(text));
  if (!result.success) {
    throw new RulebookError(`overlay ${file} is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { overlay: result.data, sha256: createHash('sha256').update(text).digest('hex'), file };
}

export function loadOverlays(dir = overlaysDir()): LoadedOverlay[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => parseOverlay(fs.readFileSync(path.join(dir, f), 'utf8'), f));
}

export function overlayApplies(overlay: Overlay, sidecar: Sidecar | undefined): boolean {
  const w = overlay.appliesWhen;
  // An overlay that depends on metadata does not apply when the metadata is missing.
  if (w.regions && !(sidecar?.region && w.regions.includes(sidecar.region))) return false;
  if (w.productTypes && !(sidecar?.product?.type && w.productTypes.includes(sidecar.product.type))) return false;
  if (w.channels && !(sidecar?.channel && w.channels.includes(sidecar.channel))) return false;
  if (w.remote !== undefined && (sidecar?.remote ?? false) !== w.remote) return false;
  if (w.customerAgeAtLeast !== undefined && !(sidecar?.customer?.age !== undefined && sidecar.customer.age >= w.customerAgeAtLeast)) return false;
  if (w.insurers && !(sidecar?.insurer?.id && w.insurers.includes(sidecar.insurer.id))) return false;
  return true;
}

/** The base rulebook with every applicable overlay applied, in file order. */
export function applyOverlays(base: LoadedRulebook, overlays: LoadedOverlay[], sidecar: Sidecar | undefined): LoadedRulebook & { overlays: AppliedOverlay[] } {
  const chosen = overlays.filter(
    (o) =>
      o.overlay.overlays === base.book.id &&
      (!o.overlay.minBaseVersion || compareVersions(base.book.version, o.overlay.minBaseVersion) >= 0) &&
      overlayApplies(o.overlay, sidecar),
  );
  if (chosen.length === 0) return { ...base, overlays: [] };
  const steps = structuredClone(base.book.steps);
  for (const { overlay, file } of chosen) {
    for (const [ruleId, params] of Object.entries(overlay.set)) {
      const holder = Object.values(steps).find((st) => st.rules.some((r) => r.id === ruleId));
      if (!holder) throw new RulebookError(`overlay ${file} sets ${ruleId}, which ${base.book.id}@${base.book.version} does not have`);
      holder.rules = holder.rules.map((r) => (r.id === ruleId ? (ruleSchema.parse({ ...r, ...params, id: r.id, check: r.check })) : r));
    }
    for (const id of overlay.remove) for (const st of Object.values(steps)) st.rules = st.rules.filter((r) => r.id !== id);
    for (const [stepId, rules] of Object.entries(overlay.add)) steps[stepId as keyof typeof steps]?.rules.push(...(rules ?? []));
    for (const [ruleId, wordings] of Object.entries(overlay.wordings)) {
      const holder = Object.values(steps).find((st) => st.rules.some((r) => r.id === ruleId && r.check === 'statement_said'));
      if (!holder) throw new RulebookError(`overlay ${file} adds wordings to ${ruleId}, which is not a statement of ${base.book.id}@${base.book.version}`);
      holder.rules = holder.rules.map((r) => (r.id === ruleId && r.check === 'statement_said' ? { ...r, insurerPhrases: [...new Set([...r.insurerPhrases, ...wordings])] } : r));
    }
  }
  const book = rulebookSchema.parse({ ...base.book, steps });
  const hash = createHash('sha256').update(base.sha256);
  for (const o of chosen) hash.update(o.sha256);
  return {
    book,
    file: base.file,
    sha256: hash.digest('hex'),
    overlays: chosen.map((o) => ({ id: o.overlay.id, version: o.overlay.version, sha256: o.sha256, example: o.overlay.example })),
  };
}
