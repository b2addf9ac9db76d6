// The sidecar's facts as evidence keeps them: every personal number in a free-text field masked (names,
// product, branch, policy number), the licence number kept as its masked form (checks that need the value
// read the sidecar itself). Left whole: fields that cannot hold a personal number (region: 6 digits,
// recordedAt: a date, numbers) and the enrolled photo's object key, which is an address the media analysis
// fetches. A branch in the documented code shape (320100-03: an area code and a short suffix, at most 10
// digits) stays whole so dashboards keep telling branches apart.
import type { Sidecar } from './labelled';
import { maskDeep, maskIdentifier } from './mask';

const BRANCH_CODE = /^\d{6}(?:-[0-9A-Za-z]{1,4})?$/;
const UNMASKED: ReadonlySet<string> = new Set(['region', 'recordedAt', 'photoKey']);

export function maskSidecarFacts(meta: Sidecar): Sidecar {
  const copy = maskDeep(meta, UNMASKED);
  if (meta.branch !== undefined && BRANCH_CODE.test(meta.branch)) copy.branch = meta.branch;
  if (meta.agent?.licenceNo) copy.agent = { ...copy.agent, licenceNo: maskIdentifier(meta.agent.licenceNo) };
  if (meta.policyNo) copy.policyNo = maskIdentifier(meta.policyNo);
  return copy;
}
