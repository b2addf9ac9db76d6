// A test file's real stack with a `dualqa worker` process beside it (issue 21 D1/D2): the set-up and
// tear-down the fuzz, discovery and hostile tests each repeated. The worker can be replaced (other queues,
// data dir or environment); close stops the worker before the stack, then removes the test's folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openTestStack, type TestStack } from './test-stack';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

export interface WorkerStack extends TestStack {
  /** The worker process running now. */
  worker: WorkerProcess;
  /** Stops the worker and starts another (data dir `root/<dirName>`); returns it. */
  replaceWorker(dirName: string, queues?: string, extraEnv?: NodeJS.ProcessEnv): Promise<WorkerProcess>;
}

export async function openWorkerStack(name: string, root: string): Promise<WorkerStack> {
  const ts = await openTestStack(name, root);
  const ws: WorkerStack = {
    ...ts,
    worker: startWorkerProcess(ts.stack.info, path.join(root, 'worker')),
    async replaceWorker(dirName, queues, extraEnv) {
      await ws.worker.stop();
      ws.worker = startWorkerProcess(ts.stack.info, path.join(root, dirName), queues, extraEnv);
      return ws.worker;
    },
    async close() {
      await ws.worker.stop();
      await ts.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return ws;
}
