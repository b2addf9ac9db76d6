// Nothing outlives the process that started it (#18 part 5): a decoder whose worker is SIGKILLed dies with
// it (setpriv --pdeathsig), and a CLI command whose parent is killed (`timeout npx dualqa …`) stops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../lib/config';
import { currentParentPid } from '../../lib/parent';

/** Gone, or a zombie nobody has reaped yet (it runs no more). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

async function lineFrom(file: string, ms: number): Promise<string> {
  let text = '';
  await until(() => (text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').includes('\n'), ms);
  return text.trim();
}

describe('parent death', () => {
  it('reads this process’s parent from /proc', () => {
    assert.equal(currentParentPid(), process.ppid);
  });

  it('an ffmpeg started through media/ffmpeg.ts dies when the process that started it is SIGKILLed', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-pdeath-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const out = path.join(dir, 'pid');
    // A "worker": starts an endless decode and reports the decoder's pid.
    const script = `
      const { spawnFfmpeg } = require(${JSON.stringify(path.join(PROJECT_ROOT, 'dist', 'media', 'ffmpeg.js'))});
      const tool = spawnFfmpeg(['-re', '-f', 'lavfi', '-i', 'anullsrc=r=8000', '-f', 'null', '-']);
      tool.child.once('spawn', () => require('fs').writeFileSync(${JSON.stringify(out)}, tool.child.pid + '\\n'));
      setInterval(() => {}, 1000);`;
    const worker = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const pid = Number(await lineFrom(out, 10_000));
    assert.ok(pid > 0, 'the decoder started');
    assert.ok(await until(() => running(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('ffmpeg'), 5000), 'ffmpeg runs');
    worker.kill('SIGKILL');
    const died = await until(() => !running(pid), 5000);
    if (!died) process.kill(pid, 'SIGKILL');
    assert.ok(died, 'the decoder outlived its SIGKILLed worker');
  });

  it('a dualqa command stops when its parent is killed (timeout npx dualqa …)', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-pdeath-'));
    // A Temporal address that accepts connections and never answers: the command waits.
    let connected = false;
    const silent = net.createServer(() => (connected = true));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      silent.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const port = (silent.address() as net.AddressInfo).port;
    const pidFile = path.join(dir, 'pid');
    const errFile = path.join(dir, 'stderr');
    const cli = path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js');
    // The shell plays npx: it starts dualqa and is killed; dualqa is re-parented.
    const shell = spawn('sh', ['-c', `"${process.execPath}" "${cli}" inspect s3://recordings/x.mp4 --wait 600 2>"${errFile}" & echo $! > "${pidFile}"; wait`], {
      stdio: 'ignore',
      env: { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_ACCESS_KEY: 'x', S3_SECRET_KEY: 'y', DUALQA_DATA_DIR: dir },
    });
    const pid = Number(await lineFrom(pidFile, 5000));
    assert.ok(pid > 0);
    // Once it connects it is in its command (the watch is on) and waits for an answer that never comes.
    assert.ok(await until(() => connected, 30_000), 'dualqa never connected');
    assert.ok(running(pid), `dualqa should still be waiting: ${fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : ''}`);
    shell.kill('SIGKILL');
    // Within the watch's period, well before the connection's own deadline (10 s).
    const stopped = await until(() => !running(pid), 5000);
    if (!stopped) process.kill(pid, 'SIGKILL');
    assert.ok(stopped, 'dualqa went on after its parent was killed');
    assert.match(fs.readFileSync(errFile, 'utf8'), /is gone; stopping/);
  });
});
