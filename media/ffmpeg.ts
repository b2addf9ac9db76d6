// The one place that starts ffmpeg and ffprobe. Everything that decodes or composes media goes through
// here, so cancellation (kill on abort), stderr capture, binary selection and what an input may make the
// tools read are handled once.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { diesWithParent } from '../lib/parent';

const FFMPEG = process.env.DUALQA_FFMPEG ?? 'ffmpeg';
const FFPROBE = process.env.DUALQA_FFPROBE ?? 'ffprobe';

/** How much of stderr is kept for error messages: enough for the last few complaints, bounded. */
const STDERR_KEEP = 64 * 1024;

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

interface SpawnOptions {
  /** Aborting kills the process (SIGKILL: ffmpeg may ignore SIGTERM while blocked on a pipe). */
  signal?: AbortSignal;
  /** Extra output pipes beyond stdout, exposed as fd 3, 4, … (`pipe:3` in ffmpeg arguments). */
  extraPipes?: number;
  /** Called with each chunk of stderr (e.g. to parse progress). */
  onStderr?: (chunk: string) => void;
  /** Input to write to stdin; otherwise stdin is ignored. */
  stdin?: Buffer;
  /**
   * The inputs are files this program wrote or ships (fixture sources: photos, Opus clips, PNG cards; test
   * clips): any demuxer may open them. The protocol list still applies. Never for a recording or anything
   * else that came from outside (test/unit/media-inputs.test.ts keeps it out of the product's folders).
   */
  ownFiles?: boolean;
}

interface RunningTool {
  child: ChildProcess;
  stdout: Readable;
  /** Pipes for fd 3, 4, … in order. */
  pipes: Readable[];
  /** Resolves when the process has exited, with its code and the tail of stderr. Never rejects. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * The demuxers a file whose format is not named by our own arguments may be opened with: containers that
 * hold their media inside themselves (mp4/mov/m4a/3gp, matroska/webm, flv, mpegts, avi, mp3, wav) and
 * single pictures read from the file itself (an enrolled photo; a still uploaded as a recording is named as
 * such). Everything that reads other files or addresses is refused: hls (m3u8), concat/ffconcat, image2
 * sequences, tty (text), lavfi, data, ffmetadata…
 */
export const MEDIA_DEMUXERS: readonly string[] = [
  'mov',
  'matroska',
  'flv',
  'mpegts',
  'avi',
  'mp3',
  'wav',
  'jpeg_pipe',
  'png_pipe',
  'bmp_pipe',
  'webp_pipe',
  'tiff_pipe',
];
/** A recording may only make us read itself: no network, no subfile/data/concat protocols. */
const INPUT_PROTOCOLS = 'file,pipe';

/**
 * Every input gets the protocol allow-list; an input whose format our arguments do not force (`-f` before
 * its `-i`, or anywhere for ffprobe: a generator, raw frames on a pipe, a concat list we wrote) is the
 * untrusted file and gets the demuxer allow-list too. An input that sets its own lists keeps them.
 */
export function guardInputs(tool: 'ffmpeg' | 'ffprobe', args: readonly string[], ownFiles = false): string[] {
  const guard = (inputOptions: readonly string[]): string[] => [
    ...(inputOptions.includes('-protocol_whitelist') ? [] : ['-protocol_whitelist', INPUT_PROTOCOLS]),
    ...(ownFiles || inputOptions.includes('-f') || inputOptions.includes('-format_whitelist') ? [] : ['-format_whitelist', MEDIA_DEMUXERS.join(',')]),
  ];
  if (tool === 'ffprobe') return [...guard(args), ...args];
  const out: string[] = [];
  let since = 0; // where the options of the next input start
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-i' && i + 1 < args.length) {
      out.push(...args.slice(since, i), ...guard(args.slice(since, i)), '-i', args[i + 1]!);
      since = i + 2;
      i++;
    }
  }
  out.push(...args.slice(since));
  return out;
}

function start(binary: string, args: string[], options: SpawnOptions): RunningTool {
  const extra = options.extraPipes ?? 0;
  const stdio: ('ignore' | 'pipe')[] = [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'];
  for (let i = 0; i < extra; i++) stdio.push('pipe');
  // Killed by the kernel if this process dies first (a SIGKILLed worker leaves no decoder behind).
  const guarded = diesWithParent(binary, args);
  const child = spawn(guarded.command, guarded.args, { stdio, windowsHide: true });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
    options.onStderr?.(chunk);
  });
  if (options.stdin && child.stdin) {
    child.stdin.on('error', () => undefined); // the tool may exit before reading everything
    child.stdin.end(options.stdin);
  }
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  if (options.signal) {
    if (options.signal.aborted) kill();
    else options.signal.addEventListener('abort', kill, { once: true });
  }
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('error', (err) => {
      stderr += `\n${err.message}`;
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', kill);
      resolve({ code, signal, stderr });
    });
  });
  const pipes: Readable[] = [];
  for (let i = 0; i < extra; i++) pipes.push(child.stdio[3 + i] as Readable);
  return { child, stdout: child.stdout as Readable, pipes, done };
}

/** Starts ffmpeg with quiet defaults; the caller reads the pipes and awaits `done`. */
export function spawnFfmpeg(args: string[], options: SpawnOptions = {}): RunningTool {
  return start(FFMPEG, ['-hide_banner', '-nostdin', '-y', ...guardInputs('ffmpeg', args, options.ownFiles)], options);
}

/** Runs ffmpeg to completion, throwing FfmpegError with the stderr tail when it fails. */
export async function runFfmpeg(args: string[], options: SpawnOptions = {}): Promise<string> {
  const tool = spawnFfmpeg(args, options);
  tool.stdout.resume();
  const { code, signal, stderr } = await tool.done;
  if (options.signal?.aborted) throw new FfmpegError('ffmpeg cancelled', code, stderr);
  if (code !== 0) throw new FfmpegError(`ffmpeg failed (${code ?? signal}): ${lastLines(stderr, 4)}`, code, stderr);
  return stderr;
}

/** Runs ffmpeg to completion and returns what it wrote to stdout (small outputs: a JPEG, a probe). */
export async function runFfmpegToBuffer(args: string[], options: SpawnOptions = {}): Promise<Buffer> {
  const tool = spawnFfmpeg(args, options);
  const chunks: Buffer[] = [];
  tool.stdout.on('data', (c: Buffer) => chunks.push(c));
  const { code, signal, stderr } = await tool.done;
  if (options.signal?.aborted) throw new FfmpegError('ffmpeg cancelled', code, stderr);
  if (code !== 0) throw new FfmpegError(`ffmpeg failed (${code ?? signal}): ${lastLines(stderr, 4)}`, code, stderr);
  return Buffer.concat(chunks);
}

/** Encodes one packed RGB24 frame as a JPEG, scaled to at most `maxWidth` wide. */
export async function encodeJpeg(rgb: Buffer, width: number, height: number, maxWidth = 480): Promise<Buffer> {
  return runFfmpegToBuffer(
    ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0', '-vf', `scale='min(${maxWidth},iw)':-2`, '-frames:v', '1', '-q:v', '5', '-f', 'mjpeg', 'pipe:1'],
    { stdin: rgb },
  );
}

/** Runs ffprobe and returns stdout; throws FfmpegError with stderr when it fails. */
export async function runFfprobe(args: string[], options: SpawnOptions = {}): Promise<string> {
  const tool = start(FFPROBE, ['-hide_banner', ...guardInputs('ffprobe', args, options.ownFiles)], options);
  const chunks: Buffer[] = [];
  tool.stdout.on('data', (c: Buffer) => chunks.push(c));
  const { code, signal, stderr } = await tool.done;
  if (options.signal?.aborted) throw new FfmpegError('ffprobe cancelled', code, stderr);
  if (code !== 0) throw new FfmpegError(`ffprobe failed (${code ?? signal}): ${lastLines(stderr, 4)}`, code, stderr);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts ffprobe for streaming output (e.g. a packet listing of a long file). */
export function spawnFfprobe(args: string[], options: SpawnOptions = {}): RunningTool {
  return start(FFPROBE, ['-hide_banner', ...guardInputs('ffprobe', args, options.ownFiles)], options);
}

export function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
