// A corpus of hostile and unusual inputs, made on the spot with ffmpeg's generators (small and short).
// Each kind says what a clear answer looks like: a report that names the problem, or a normal inspection.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StepId } from '../../lib/labelled';
import { runFfmpeg } from '../../media/ffmpeg';

export interface HostileKind {
  name: string;
  /** Object key in the recordings bucket (weird names are part of the corpus). */
  key: string;
  /** `url`: an address on the test's own server (a file that names it must never make us fetch it). */
  make(dir: string, ctx?: { url: string }): Promise<string>;
  /** Optional sidecar content (raw text, may be broken on purpose). */
  sidecar?: string;
  /** A known gap of the product: the expectation is what it should do; the test runs as a TODO (reported, not failing). */
  todo?: string;
  expect: {
    verdict?: 'PASS' | 'FAIL' | 'CANNOT_JUDGE';
    continuity?: 'PASS' | 'FAIL' | 'CANNOT_JUDGE';
    /** Must appear somewhere in what the report says: problems, defects, notes, step reasons, the sidecar's problem. */
    mentions?: RegExp;
    /**
     * What the report must hold against the recording: `step` must not PASS, and `says` must match that step's
     * reasons or a defect's reason (never a PASS step's reasons or a note).
     */
    notPass?: { step: StepId; says: RegExp };
    /** A defect of this type must be reported (labelled-recordings.md defect types). */
    defect?: string;
    sidecar?: 'ok' | 'invalid' | 'absent';
    /** The file names other files or addresses: none of them may be read (the test's server sees no request). */
    readsNothingElse?: boolean;
  };
}

const V = (size = '320x180', rate = 25, d = 6) => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}:duration=${d}`];
const A = (rate = 48000, d = 6) => ['-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=${rate}:duration=${d}`];
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const AAC = ['-c:a', 'aac', '-b:a', '48k'];

function gen(file: string, args: string[]): (dir: string) => Promise<string> {
  return async (dir) => {
    const out = path.join(dir, file);
    await runFfmpeg(['-v', 'error', ...args, out]);
    return out;
  };
}

function bytes(file: string, content: Buffer | string): (dir: string) => Promise<string> {
  return async (dir) => {
    const out = path.join(dir, file);
    fs.writeFileSync(out, content);
    return out;
  };
}

function pseudoRandom(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

const normal = gen('normal.mp4', [...V(), ...A(), ...H264, ...AAC]);

/** A recording of a length nothing else here has: if its length shows up, something followed a reference to it. */
const MARKER_S = 3.7;

/**
 * Files that are not media but name other files or addresses (#18): an HLS playlist naming a local recording
 * (absolute path) or an address, the same disguised as text, an ffconcat list naming a file beside it, an
 * SDP session description (it would open network sockets).
 */
export async function hostileReferences(dir: string, url: string) {
  const marker = path.join(dir, 'marker.ts');
  await runFfmpeg(['-v', 'error', ...V('160x90', 25, MARKER_S), ...A(48000, MARKER_S), ...H264, ...AAC, '-f', 'mpegts', marker]);
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const playlist = (entry: string): string => `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:${MARKER_S},\n${entry}\n#EXT-X-ENDLIST\n`;
  return {
    marker,
    markerS: MARKER_S,
    hlsLocal: write('hls-local.mp4', playlist(marker)),
    hlsRemote: write('hls-remote.mp4', playlist(`${url}/segment.ts`)),
    hlsAsText: write('playlist.txt', playlist(marker)),
    ffconcat: write('list.mp4', 'ffconcat version 1.0\nfile marker.ts\n'),
    sdp: write('session.mp4', `v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n`),
  };
}

/** A hostile-reference kind for the real stack: the file made in `dir`, naming the marker in `dir` and the test's address. */
function referring(which: 'hlsLocal' | 'hlsRemote' | 'ffconcat' | 'sdp'): HostileKind['make'] {
  return async (dir, ctx) => (await hostileReferences(dir, ctx?.url ?? 'http://127.0.0.1:9'))[which];
}
const REFUSED = { verdict: 'CANNOT_JUDGE', mentions: /cannot be inspected: the file is .*not a media container we accept/, readsNothingElse: true } as const;

export const HOSTILE: HostileKind[] = [
  { name: 'zero bytes', key: 'h/empty.mp4', make: bytes('empty.mp4', ''), expect: { verdict: 'CANNOT_JUDGE', mentions: /empty/ } },
  { name: 'random bytes', key: 'h/random.mp4', make: bytes('random.mp4', pseudoRandom(200_000)), expect: { verdict: 'CANNOT_JUDGE', mentions: /not a readable media file|no audio or video/ } },
  { name: 'text named .mp4', key: 'h/text.mp4', make: bytes('text.mp4', '这不是视频 — this is not a video\n'.repeat(200)), expect: { verdict: 'CANNOT_JUDGE', mentions: /not a readable media file|no audio or video/ } },
  { name: 'an HLS playlist named .mp4, naming a local recording', key: 'h/playlist-local.mp4', make: referring('hlsLocal'), expect: REFUSED },
  { name: 'an HLS playlist named .mp4, naming an address', key: 'h/playlist-remote.mp4', make: referring('hlsRemote'), expect: REFUSED },
  { name: 'an ffconcat list named .mp4', key: 'h/ffconcat.mp4', make: referring('ffconcat'), expect: REFUSED },
  { name: 'an SDP session named .mp4', key: 'h/session.mp4', make: referring('sdp'), expect: REFUSED },
  { name: 'a JPEG named .mp4', key: 'h/photo.mp4', make: gen('photo.jpg', ['-f', 'lavfi', '-i', 'testsrc2=size=320x180', '-frames:v', '1']), expect: { verdict: 'CANNOT_JUDGE', mentions: /still picture/ } },
  {
    name: 'moov at the end, then cut (truncated)',
    key: 'h/truncated.mp4',
    make: async (dir) => {
      const whole = await normal(dir);
      const buf = fs.readFileSync(whole);
      const out = path.join(dir, 'truncated.mp4');
      fs.writeFileSync(out, buf.subarray(0, Math.floor(buf.length * 0.5)));
      return out;
    },
    expect: { continuity: 'FAIL', mentions: /moov atom missing/ },
  },
  {
    name: 'corrupt middle',
    key: 'h/corrupt-middle.mp4',
    make: async (dir) => {
      const src = await gen('cm-src.mp4', [...V('320x180', 25, 10), ...A(48000, 10), ...H264, ...AAC, '-movflags', '+faststart'])(dir);
      const buf = Buffer.from(fs.readFileSync(src));
      pseudoRandom(30_000, 3).copy(buf, Math.floor(buf.length * 0.45));
      const out = path.join(dir, 'corrupt-middle.mp4');
      fs.writeFileSync(out, buf);
      return out;
    },
    // 30 KB of noise over the middle of the media data: the decoder reports errors there (about 100, in both
    // streams) and decodes the rest. A damaged span inside a readable file is an `undecodable` defect
    // (labelled-recordings.md), so continuity cannot PASS. (Before, /decoder|corrupt|cut|splice|truncated/ was
    // matched against every reason: "CONT-CUT: no cut found" of a PASS satisfied it.) The decoder's holes are
    // located (media/integrity/undecodable.ts) and continuity is CANNOT_JUDGE with the spans.
    expect: { defect: 'undecodable', notPass: { step: 'continuity', says: /undecodable|could not be decoded/ } },
  },
  { name: 'HEVC', key: 'h/hevc.mp4', make: gen('hevc.mp4', [...V(), ...A(), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', ...AAC]), expect: { continuity: 'PASS' } },
  { name: 'VP8/WebM', key: 'h/vp8.webm', make: gen('vp8.webm', [...V(), ...A(), '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '300k', '-c:a', 'libvorbis']), expect: { continuity: 'PASS' } },
  { name: 'FLV', key: 'h/flash.flv', make: gen('flash.flv', [...V(), ...A(44100), '-c:v', 'flv', '-c:a', 'aac', '-ar', '44100']), expect: { continuity: 'PASS' } },
  { name: 'MJPEG AVI', key: 'h/mjpeg.avi', make: gen('mjpeg.avi', [...V(), ...A(), '-c:v', 'mjpeg', '-q:v', '5', '-c:a', 'pcm_s16le']), expect: { continuity: 'PASS' } },
  { name: 'MPEG-TS', key: 'h/stream.ts', make: gen('stream.ts', [...V(), ...A(), ...H264, ...AAC, '-f', 'mpegts']), expect: { continuity: 'PASS' } },
  { name: '8 kHz μ-law audio', key: 'h/mulaw.mov', make: gen('mulaw.mov', [...V(), ...A(8000), ...H264, '-c:a', 'pcm_mulaw', '-ar', '8000']), expect: { continuity: 'PASS' } },
  {
    name: 'two audio tracks',
    key: 'h/two-audio.mkv',
    make: gen('two-audio.mkv', [...V(), ...A(), '-f', 'lavfi', '-i', 'sine=frequency=550:sample_rate=48000:duration=6', '-map', '0:v', '-map', '1:a', '-map', '2:a', ...H264, ...AAC]),
    expect: { continuity: 'PASS', mentions: /2 audio streams/ },
  },
  {
    // 30 fps for 2 s, then every third frame (10 fps) with the timestamps kept: truly variable, 6 s long. (Before,
    // setpts renumbered the frames into a constant 30 fps clip of 3.4 s, and -shortest cut the sound to it.)
    name: 'variable frame rate',
    key: 'h/vfr.mkv',
    make: gen('vfr.mkv', [...V('320x180', 30, 6), ...A(), '-vf', "select='not(mod(n\\,3))+lt(t\\,2)'", '-fps_mode', 'vfr', ...H264, ...AAC]),
    // A slower frame rate is not a gap: the whole 6 s decoded, no cut, no frozen picture.
    expect: { continuity: 'PASS', mentions: /CONT-READABLE: decoded 6(\.0\d*)? s of video and 6(\.0\d*)? s of audio/ },
  },
  { name: '4K', key: 'h/uhd.mp4', make: gen('uhd.mp4', [...V('3840x2160', 25, 3), ...A(48000, 3), ...H264, ...AAC]), expect: { continuity: 'PASS' } },
  { name: 'portrait', key: 'h/portrait.mp4', make: gen('portrait.mp4', [...V('360x640'), ...A(), ...H264, ...AAC]), expect: { continuity: 'PASS' } },
  {
    name: 'rotated (display matrix 90°)',
    key: 'h/rotated.mp4',
    make: async (dir) => {
      const src = await normal(dir);
      const out = path.join(dir, 'rotated.mp4');
      await runFfmpeg(['-v', 'error', '-display_rotation', '90', '-i', src, '-c', 'copy', out]).catch(async () => runFfmpeg(['-v', 'error', '-i', src, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out]));
      return out;
    },
    expect: { continuity: 'PASS' },
  },
  { name: '2 s long', key: 'h/short.mp4', make: gen('short.mp4', [...V('320x180', 25, 2), ...A(48000, 2), ...H264, ...AAC]), expect: { continuity: 'PASS' } },
  { name: 'odd dimensions', key: 'h/odd.mkv', make: gen('odd.mkv', [...V('321x241'), ...A(), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', ...AAC]), expect: { continuity: 'PASS' } },
  // One frame a second is a slow recorder, not eight cuts or a frozen picture: all 8 s decoded, continuity PASS.
  { name: '1 fps', key: 'h/slow.mp4', make: gen('slow.mp4', [...V('320x180', 1, 8), ...A(48000, 8), ...H264, ...AAC]), expect: { continuity: 'PASS', mentions: /CONT-READABLE: decoded 8 s of video and 8 s of audio/ } },
  { name: '10-bit 4:2:2', key: 'h/tenbit.mkv', make: gen('tenbit.mkv', [...V(), ...A(), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv422p10le', ...AAC]), expect: { continuity: 'PASS' } },
  { name: 'mp3 (audio only)', key: 'h/voice.mp3', make: gen('voice.mp3', [...A(44100), '-c:a', 'libmp3lame']), expect: { continuity: 'FAIL', mentions: /no 画面 \(video\) stream|no video/ } },
  { name: 'all-black picture', key: 'h/black.mp4', make: gen('black.mp4', ['-f', 'lavfi', '-i', 'color=black:size=320x180:rate=25:duration=6', ...A(), ...H264, ...AAC]), expect: { continuity: 'FAIL', mentions: /black/ } },
  { name: 'all-silent audio', key: 'h/silent.mp4', make: gen('silent.mp4', [...V(), '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono', '-t', '6', ...H264, ...AAC]), expect: { continuity: 'FAIL', mentions: /no sound|sound channel is dead/ } },
  { name: 'subtitles and data streams', key: 'h/subs.mkv', make: gen('subs.mkv', [...V(), ...A(), '-f', 'lavfi', '-i', 'testsrc2=size=16x16:rate=1:duration=1', '-map', '0:v', '-map', '1:a', ...H264, ...AAC]), expect: { continuity: 'PASS' } },
  { name: 'unicode name', key: 'h/双录 录像 №1 — 客户张三.mp4', make: normal, expect: { continuity: 'PASS' } },
  { name: 'spaces in the name', key: 'h/a recording with spaces .mp4', make: normal, expect: { continuity: 'PASS' } },
  { name: 'shell metacharacters', key: "h/$(touch pwned);rm -rf ~ `x` 'q' \"d\" & | > <.mp4", make: normal, expect: { continuity: 'PASS' } },
  { name: '200-character name', key: `h/${'长'.repeat(60)}${'x'.repeat(136)}.mp4`, make: normal, expect: { continuity: 'PASS' } },
  { name: 'an ID number in the name', key: 'h/customer-11010519491231002X.mp4', make: normal, expect: { continuity: 'PASS' } },
  { name: 'broken sidecar JSON', key: 'h/broken-sidecar.mp4', make: normal, sidecar: '{ "policyNo": "P1", ', expect: { continuity: 'PASS', sidecar: 'invalid', mentions: /not valid JSON/ } },
  { name: 'sidecar of the wrong shape', key: 'h/wrong-sidecar.mp4', make: normal, sidecar: JSON.stringify({ channel: 'carrier-pigeon', customer: { age: -4 } }), expect: { continuity: 'PASS', sidecar: 'invalid', mentions: /sidecar does not match/ } },
  // Fields the format does not define (a misspelt licence number here) are named; the sidecar is not used (activities/ingest.ts).
  {
    name: 'sidecar with fields the format does not define',
    key: 'h/unknown-sidecar.mp4',
    make: normal,
    sidecar: JSON.stringify({ policyNo: 'P1', agent: { name: '王丽华', licenceNO: '02000132000080020160001234' }, salesman: 'x' }),
    expect: { continuity: 'PASS', sidecar: 'invalid', mentions: /sidecar has fields the format does not define: .*"agent\.licenceNO"/ },
  },
  {
    name: 'sidecar text with control and bidi characters',
    key: 'h/control-sidecar.mp4',
    make: normal,
    sidecar: JSON.stringify({ policyNo: 'P1\u202e', agent: { name: '王丽华\n\u001b[31mPASS' } }),
    expect: { continuity: 'PASS', sidecar: 'invalid', mentions: /control or invisible formatting character U\+/ },
  },
  // Another recording's sidecar (copied beside the wrong file) would have its agent, premium and photo checked
  // against this recording: it is not used, and the report says why (activities/ingest.ts).
  {
    name: 'sidecar naming another recording',
    key: 'h/other-sidecar.mp4',
    make: normal,
    sidecar: JSON.stringify({ recordingId: 'P-SOMETHING-ELSE', policyNo: 'P-SOMETHING-ELSE' }),
    expect: { continuity: 'PASS', sidecar: 'invalid', mentions: /sidecar names another recording: recordingId "P-SOMETHING-ELSE" is not other-sidecar\.mp4; its facts are not used/ },
  },
  // The same sidecar where its recordingId is the file's own name is used as usual.
  {
    name: 'sidecar naming this recording',
    key: 'h/P-THIS-ONE.mp4',
    make: normal,
    sidecar: JSON.stringify({ recordingId: 'P-THIS-ONE', policyNo: 'P-THIS-ONE' }),
    expect: { continuity: 'PASS', sidecar: 'ok' },
  },
];
