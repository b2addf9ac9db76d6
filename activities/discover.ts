// Discovery as an activity, a thin adapter: the schedule's workflow runs it, the sweep itself is intake's
// (intake/discovery-sweep.ts), handed in by the worker because it starts workflows through a client.
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import type { DiscoverInput, DiscoverResult } from './discovery-io';

export function createDiscoverActivities(deps: ActivityDeps) {
  return {
    async discoverAndStart(input: DiscoverInput): Promise<DiscoverResult> {
      if (!deps.discover) throw new Error('discovery needs a Temporal client on this worker');
      return deps.discover(input, (started) => Context.current().heartbeat({ started }));
    },
  };
}
