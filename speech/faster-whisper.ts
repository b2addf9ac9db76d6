// The default speech engine: faster-whisper (CTranslate2 Whisper base) in a long-lived Python process,
// one per worker, the model loaded once. Requests go one at a time over a line protocol
// (speech/py/asr_server.py). Cancelling a request kills the process; the next request starts a new one.
import { spawn, type ChildProcess } from 'node:child_process';
import { diesWithParent } from '../lib/parent';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { PROJECT_ROOT, toolsDir } from '../lib/config';
import { MODELS, ModelUnavailable, modelPath, verifyModelFile } from '../models/registry';
import { addStage } from '../lib/profile';
import type { RawTranscript, ScoreRequest, SpeechEngine } from './engine';

interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  [key: string]: unknown;
}

interface FasterWhisperOptions {
  python?: string;
  modelDir?: string;
  threads?: number;
  /** Called with the server's stderr lines (its own log). */
  onLog?: (line: string) => void;
}

/** The process and its pipes are unref'd: hold the event loop open while we wait on them. */
function held<T>(p: Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => undefined, 60_000);
  return p.finally(() => clearInterval(keepAlive));
}

/** The speech engine did not answer a request in time (it was killed; the next request restarts it). */
export class EngineTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineTimeout';
  }
}

/**
 * How long one request may take, scaled to the audio (16 kHz 16-bit mono PCM): a fixed 2 minutes (model
 * warm-up, a loaded machine) plus 3 s per second of audio (Whisper base runs at 0.2–0.9 × real time on two
 * cores) plus 10 s per scored item. DUALQA_SPEECH_TIMEOUT_SCALE multiplies it (tests shrink it).
 */
export function requestTimeoutMs(pcmFile: string, items: number): number {
  let audioS = 0;
  try {
    audioS = fs.statSync(pcmFile).size / 32_000;
  } catch {
    // no file: the engine will say so
  }
  const scale = Number(process.env.DUALQA_SPEECH_TIMEOUT_SCALE ?? 1);
  return Math.round((120_000 + audioS * 3000 + items * 10_000) * (Number.isFinite(scale) && scale > 0 ? scale : 1));
}

export class FasterWhisperEngine implements SpeechEngine {
  readonly name = 'faster-whisper 1.2.1';
  readonly model = { name: MODELS.whisper_base.name, version: MODELS.whisper_base.version, sha256: MODELS.whisper_base.sha256 };
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: Required<Omit<FasterWhisperOptions, 'onLog'>> & Pick<FasterWhisperOptions, 'onLog'>) {}

  /** Checks the pinned model and the Python environment, then starts the server (model loaded once). */
  static async load(options: FasterWhisperOptions = {}): Promise<FasterWhisperEngine> {
    await verifyModelFile('whisper_base');
    const engine = new FasterWhisperEngine({
      python: options.python ?? process.env.DUALQA_SPEECH_PYTHON ?? path.join(toolsDir(), 'py-speech', 'bin', 'python'),
      modelDir: options.modelDir ?? path.dirname(modelPath('whisper_base')),
      threads: options.threads ?? 2,
      onLog: options.onLog,
    });
    await held(engine.start());
    return engine;
  }

  private start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const script = path.join(PROJECT_ROOT, 'speech', 'py', 'asr_server.py');
      // Killed by the kernel if this process dies first, exit handlers or not (a SIGKILLed worker).
      const guarded = diesWithParent(this.options.python, [script, this.options.modelDir, String(this.options.threads)]);
      const child = spawn(guarded.command, guarded.args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, OMP_NUM_THREADS: String(this.options.threads), HF_HUB_OFFLINE: '1' },
      });
      this.child = child;
      // The engine must not keep a finished CLI or worker process alive, nor outlive it.
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as { unref?: () => void }[]) stream.unref?.();
      const killOnExit = (): void => {
        child.kill('SIGKILL');
      };
      process.once('exit', killOnExit);
      child.once('exit', () => process.removeListener('exit', killOnExit));
      let stderrTail = '';
      readline.createInterface({ input: child.stderr }).on('line', (line) => {
        stderrTail = (stderrTail + line + '\n').slice(-4000);
        this.options.onLog?.(line);
      });
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        let reply: Reply;
        try {
          reply = JSON.parse(line) as Reply;
        } catch {
          this.options.onLog?.(line);
          return;
        }
        if (reply.id === 0) {
          if (reply.ok) resolve();
          else reject(new ModelUnavailable('whisper_base', this.options.modelDir, `cannot be loaded by faster-whisper (${reply.error ?? 'unknown error'})`));
          return;
        }
        this.pending.get(reply.id)?.resolve(reply);
        this.pending.delete(reply.id);
      });
      child.on('error', (err) => {
        reject(new ModelUnavailable('whisper_base', this.options.python, `cannot start the speech engine's Python (${err.message})`));
      });
      child.on('exit', (code, signal) => {
        const why = new Error(`speech engine exited (${signal ?? `code ${code}`}): ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`);
        // setpriv could not execute the Python (what a spawn 'error' says without setpriv).
        if (code === 127 && guarded.command !== this.options.python) reject(new ModelUnavailable('whisper_base', this.options.python, `cannot start the speech engine's Python (${stderrTail.trim().split('\n').pop() ?? 'not found'})`));
        reject(why);
        for (const p of this.pending.values()) p.reject(why);
        this.pending.clear();
        if (this.child === child) {
          this.child = undefined;
          this.ready = undefined;
        }
      });
    });
    return this.ready;
  }

  /**
   * One request at a time: the server is single-threaded and each request already uses every thread. A
   * request unanswered after `timeoutMs` kills the engine (the next request starts a new one) and fails
   * with EngineTimeout: a hung engine is detected, not heartbeaten over.
   */
  private request(body: Record<string, unknown>, signal?: AbortSignal, timeoutMs = 10 * 60_000): Promise<Reply> {
    const run = async (): Promise<Reply> => {
      signal?.throwIfAborted();
      await held(this.start());
      const child = this.child;
      if (!child?.stdin) throw new Error('speech engine not running');
      const id = this.nextId++;
      const reply = new Promise<Reply>((resolve, reject) => {
        const onAbort = (): void => {
          // The only way to stop CTranslate2 mid-decode is to stop the process.
          child.kill('SIGKILL');
          reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new EngineTimeout(`the speech engine gave no answer to '${String(body.op)}' within ${Math.round(timeoutMs / 1000)} s; it was killed`));
        }, timeoutMs);
        timer.unref();
        const settled = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        this.pending.set(id, {
          resolve: (r) => {
            settled();
            resolve(r);
          },
          reject: (e) => {
            settled();
            reject(e);
          },
        });
      });
      child.stdin.write(JSON.stringify({ ...body, id }) + '\n');
      const r = await held(reply);
      if (!r.ok) throw new Error(`speech engine: ${r.error ?? 'failed'}`);
      return r;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async transcribe(pcmFile: string, signal?: AbortSignal): Promise<RawTranscript> {
    const reply = await this.request({ op: 'transcribe', pcm: pcmFile }, signal, requestTimeoutMs(pcmFile, 0));
    // The engine's own figures (its process's CPU, which the worker's does not hold while it runs).
    const windows = (reply.profile ?? []) as { audioS: number; vadS: number; vadCpuS: number; asrS: number; asrCpuS: number }[];
    for (const w of windows) {
      addStage('engine: VAD', w.vadS * 1000, w.vadCpuS * 1000);
      addStage('engine: ASR windows', w.asrS * 1000, w.asrCpuS * 1000);
    }
    addStage('engine: transcribe request', Number(reply.seconds ?? 0) * 1000, Number(reply.cpuS ?? 0) * 1000);
    delete reply.profile;
    return reply as unknown as RawTranscript;
  }

  async score(pcmFile: string, items: ScoreRequest[], signal?: AbortSignal): Promise<number[]> {
    if (items.length === 0) return [];
    const r = (await this.request({ op: 'score', pcm: pcmFile, items }, signal, requestTimeoutMs(pcmFile, items.length))) as unknown as {
      scores: { score: number }[];
      seconds?: number;
      cpuS?: number;
      profile?: { windows: number; encodeS: number; encodeCpuS: number; aligns: number; alignS: number; alignCpuS: number };
    };
    if (r.profile) {
      addStage('engine: verification encode (windows)', r.profile.encodeS * 1000, r.profile.encodeCpuS * 1000, r.profile.windows);
      addStage('engine: verification align (texts)', r.profile.alignS * 1000, r.profile.alignCpuS * 1000, r.profile.aligns);
    }
    addStage('engine: score request', (r.seconds ?? 0) * 1000, (r.cpuS ?? 0) * 1000);
    return r.scores.map((s) => s.score);
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.stdin?.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
