// discoverRecordings: one sweep of the recordings bucket (a Temporal Schedule runs it every minute or so).
// The sweep itself is an activity; this workflow exists so the schedule has something durable to start.
import type { DiscoverInput, DiscoverResult } from '../activities';
import { sweep } from './proxies';

export async function discoverRecordings(input: DiscoverInput): Promise<DiscoverResult> {
  return sweep.discoverAndStart(input);
}
