// The benches' process-tree sampler (bench/process-tree.ts): a worker's children count, but a child caught
// between fork and exec — a copy of the worker sharing its pages — must not count the worker twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

import { descendants, isUnexecedFork, processTree, type ProcStat } from '../../bench/process-tree';

const cmdlines = new Map<number, string>();

function proc(pid: number, ppid: number, name: string, cmdline: string, rssMb: number): ProcStat {
  cmdlines.set(pid, cmdline);
  return { pid, ppid, name, rssMb, ownCpuS: 0, reapedChildrenCpuS: 0 };
}
const cmdlineOf = (pid: number): string => cmdlines.get(pid) ?? '';

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
    const tree = descendants(all, 10, cmdlineOf);
    assert.deepEqual(tree.map((p) => p.pid).sort((a, b) => a - b), [10, 12, 13, 15]);
    assert.equal(tree.reduce((sum, p) => sum + p.rssMb, 0), 860 + 70 + 450 + 60);
  });

  it('needs the same name and a readable, equal command line', () => {
    const parent = proc(30, 1, 'node', worker, 800);
    assert.equal(isUnexecedFork(proc(31, 30, 'node', worker, 800), parent, cmdlineOf), true);
    assert.equal(isUnexecedFork(proc(32, 30, 'ffmpeg', worker, 800), parent, cmdlineOf), false);
    assert.equal(isUnexecedFork(proc(33, 30, 'node', 'node\0other.js', 60), parent, cmdlineOf), false);
    const unreadable = proc(40, 1, 'node', '', 800);
    assert.equal(isUnexecedFork(proc(41, 40, 'node', '', 800), unreadable, cmdlineOf), false);
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
