// What a speech engine gives the analyser, whatever runs it: timed segments (and words where it has
// them), the voice-activity regions it found, and — because the sales script is known — a score for how
// well an expected sentence fits the audio from a given time. An operator can plug a stronger engine
// (Paraformer, SenseVoice through sherpa-onnx) by implementing this and naming it in DUALQA_ASR_ENGINE.

export interface TimedWord {
  from: number;
  to: number;
  text: string;
  /** The engine's probability for the word, 0..1. */
  p: number;
}

export interface RawSegment {
  from: number;
  to: number;
  text: string;
  avgLogProb: number;
  noSpeechProb: number;
  compressionRatio: number;
  words: TimedWord[];
}

export interface RawTranscript {
  segments: RawSegment[];
  /** Voice activity (silero VAD): where someone speaks, whatever was recognised. */
  speech: { from: number; to: number }[];
  durationS: number;
  /** Speech power over the noise floor between utterances, dB (null when there is not enough of either). */
  snrDb?: number | null;
  language: string;
  languageProbability: number;
}

export interface ScoreRequest {
  text: string;
  /** Media time where the window (up to 30 s) starts. */
  from: number;
}

export interface SpeechEngine {
  readonly name: string;
  readonly model: { name: string; version: string; sha256: string };
  /** 16 kHz mono signed 16-bit little-endian samples in a file. */
  transcribe(pcmFile: string, signal?: AbortSignal): Promise<RawTranscript>;
  /** Teacher-forced fit of each text to the audio from its `from`: about 0.005 when not said, 0.05–0.3 when said. */
  score(pcmFile: string, items: ScoreRequest[], signal?: AbortSignal): Promise<number[]>;
  close(): Promise<void>;
}
