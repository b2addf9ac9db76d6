// A recording may only make us read itself (#18): files that name other files or addresses (an HLS playlist,
// an ffconcat list, an SDP session, text) are refused by ffprobe's and ffmpeg's allow-lists before anything
// they name is opened. Each hostile file names a local recording of a distinctive length and an address on
// a server of this test: the same files opened with the lists widened (the control) do read them, so the
// fixtures are live and the guard is what stops them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { analyseMediaFile } from '../../evidence/assemble-media';
import { FfmpegError, guardInputs, MEDIA_DEMUXERS, runFfmpeg, runFfprobe } from '../../media/ffmpeg';
import { probeMedia } from '../../media/probe';
import { scanTimestamps } from '../../media/integrity/timestamps';
import { tempDir } from '../helpers/media';
import { hostileReferences } from '../helpers/hostile';

const dir = tempDir('dualqa-inputs-');
let server: http.Server;
let requests: string[] = [];
let base = '';

describe('media inputs: only the file itself is read', () => {
  let files: Awaited<ReturnType<typeof hostileReferences>>;
  before(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    files = await hostileReferences(dir, base);
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every input gets the protocol list; an input whose format we do not force gets the demuxer list', () => {
    const args = guardInputs('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine', '-ss', '1', '-i', 'rec.mp4', '-f', 'null', '-']);
    assert.deepEqual(args, [
      '-v', 'error', '-f', 'lavfi', '-protocol_whitelist', 'file,pipe', '-i', 'sine',
      '-ss', '1', '-protocol_whitelist', 'file,pipe', '-format_whitelist', MEDIA_DEMUXERS.join(','), '-i', 'rec.mp4',
      '-f', 'null', '-',
    ]);
    assert.deepEqual(guardInputs('ffprobe', ['-v', 'error', 'x.mp4']), ['-protocol_whitelist', 'file,pipe', '-format_whitelist', MEDIA_DEMUXERS.join(','), '-v', 'error', 'x.mp4']);
    for (const refused of ['hls', 'concat', 'image2', 'tty', 'lavfi', 'data', 'sdp', 'ffmetadata']) assert.ok(!MEDIA_DEMUXERS.includes(refused), refused);
  });

  it('the control: with the lists widened, the hostile files do read what they name', async () => {
    requests = [];
    const wide = ['-protocol_whitelist', 'file,pipe,http,tcp,crypto,data', '-format_whitelist', 'hls,concat,mpegts,mov'];
    const hls = await runFfprobe([...wide, '-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', files.hlsLocal]);
    assert.ok(Math.abs(Number(hls) - files.markerS) < 0.2, `the playlist's segment was read: ${hls}`);
    await runFfprobe([...wide, '-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', files.hlsRemote]).catch(() => '');
    assert.ok(requests.length > 0, 'the playlist fetched its address');
    // A concat list has no duration of its own: its packets are the named file's.
    const packets = await runFfprobe([...wide, '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', files.ffconcat]);
    const last = Math.max(...packets.split('\n').map(Number).filter(Number.isFinite));
    assert.ok(Math.abs(last - files.markerS) < 0.3, `the list's file was read: last packet at ${last} s`);
  });

  for (const name of ['hlsLocal', 'hlsRemote', 'hlsAsText', 'ffconcat', 'sdp'] as const) {
    it(`${name}: refused as not a media container we accept, nothing it names opened`, async () => {
      requests = [];
      const file = files[name];
      const probe = await probeMedia(file);
      assert.equal(probe.ok, false);
      if (probe.ok) return;
      assert.equal(probe.problem.code, 'not_media');
      assert.match(probe.problem.message, /^cannot be inspected: the file is .+, not a media container we accept \(mov, matroska, flv, mpegts, avi, mp3, wav\); nothing it refers to was opened$/);
      // The rest of the pipeline refuses it too, should anything call it without the probe.
      await assert.rejects(runFfmpeg(['-v', 'error', '-i', file, '-f', 'null', '-']), (err: unknown) => err instanceof FfmpegError && /not on whitelist/.test(err.stderr));
      const scan = await scanTimestamps(file, 0, 'video', 1);
      assert.equal(scan.packets, 0);
      const evidence = (await analyseMediaFile(file, { recordingId: name })).integrity;
      assert.equal(evidence.readable, false);
      assert.match(evidence.problem?.message ?? '', /not a media container we accept/);
      assert.deepEqual(requests, [], 'no address was fetched');
    });
  }

  it('only fixtures, benches and tests open their own files with any demuxer: nothing that reads a recording does', () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const product = ['lib', 'models', 'rules', 'stack', 'media', 'speech', 'evidence', 'judge', 'report', 'catalogue', 'signing', 'decisions', 'activities', 'workflows', 'intake', 'workers', 'review', 'cli', 'eval'];
    const offenders: string[] = [];
    let scanned = 0;
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts') && ++scanned > 0 && full !== path.join(root, 'media', 'ffmpeg.ts') && /\bownFiles\b/.test(fs.readFileSync(full, 'utf8'))) offenders.push(path.relative(root, full));
      }
    };
    for (const folder of product) if (fs.existsSync(path.join(root, folder))) walk(path.join(root, folder));
    assert.ok(scanned > 100, `scanned ${scanned} files`);
    assert.deepEqual(offenders, []);
  });

  it('the media the product takes still opens', async () => {
    const probe = await probeMedia(files.marker);
    assert.ok(probe.ok && Math.abs((probe.facts.durationS ?? 0) - files.markerS) < 0.2);
  });
});
