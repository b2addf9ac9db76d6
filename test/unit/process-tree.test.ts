// The benches' process-tree sampler (bench/process-tree.ts): a worker's children count, but a child caught
// between fork and exec — a copy of the worker sharing its pages — must not count the worker twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

import { descendants, isUnexecedFork, processTree, type ProcStat } from '../../bench/process-tree';

function proc(pid: number, ppid: number, name: string, cmdline: string, rssMb: number): ProcStat {
  return { pid, ppid, name, cmdline, rssMb, ownCpuS: 0, reapedChildrenCpuS: 0 };
}

describe('process tree', () => {
  const worker = 'node\0/app/dist/cli/main.js\0worker';

  it('leaves out a child that is still a copy of its parent, and keeps real children and theirs', () => {
    const all = [
      proc(1, 0, 'init', 'init', 1),
      proc(10, 1, 'node', worker, 860),
      proc(11, 10, 'node', worker, 820), // forked, not yet exec'd
      proc(12, 10, 'ffmpeg', 'ffmpeg\0-i\0x.mp4', 70),
      proc(13, 10, 'python', 'python\0asr_server.py', 450),
      proc(14, 13, 'python', 'python\0asr_server.py', 450), // the engine's own fork, same rule
      proc(15, 10, 'node', 'node\0other.js', 60), // a real Node child runs another script
      proc(20, 1, 'node', worker, 900), // not in the tree
    ];
    const tree = descendants(all, 10);
    assert.deepEqual(tree.map((p) => p.pid).sort((a, b) => a - b), [10, 12, 13, 15]);
    assert.equal(tree.reduce((sum, p) => sum + p.rssMb, 0), 860 + 70 + 450 + 60);
  });

  it('needs the same name and a readable, equal command line', () => {
    assert.equal(isUnexecedFork({ name: 'node', cmdline: worker }, { name: 'node', cmdline: worker }), true);
    assert.equal(isUnexecedFork({ name: 'ffmpeg', cmdline: worker }, { name: 'node', cmdline: worker }), false);
    assert.equal(isUnexecedFork({ name: 'node', cmdline: '' }, { name: 'node', cmdline: '' }), false);
  });

  it('finds a live child of this process in /proc', async () => {
    const child = spawn('sleep', ['5']);
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const tree = processTree(process.pid);
      assert.equal(tree[0]?.pid, process.pid);
      const sleeper = tree.find((p) => p.pid === child.pid);
      assert.equal(sleeper?.name, 'sleep');
      assert.ok((sleeper?.rssMb ?? 0) > 0);
    } finally {
      child.kill();
    }
  });
});
