// Validates a report against the committed JSON Schema before it is written: a report that breaks the
// contract is a bug, not an output.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../lib/config';

let compiled: ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string }[] | null } | undefined;

export function validateReport(report: unknown): string[] {
  if (!compiled) {
    const schema = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'schemas', 'report.schema.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  if (compiled(report)) return [];
  return (compiled.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
}
