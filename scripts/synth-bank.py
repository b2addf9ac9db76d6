#!/usr/bin/env python3
"""Synthesize the script bank (fixtures/bank/*.yaml, fixtures/bank/sealed/*.yaml) into committed utterances.

Every insurer file names its agents and customers, each with a Kokoro voice: one of the eight Chinese voices of
npm kokoro-js@1.2.1, or a blend of two style vectors written 'zf_a:0.6+zf_b:0.4' (w·a + (1−w)·b), and a speed.
Each agent speaks the insurer's script lines and its fault lines; each customer speaks their replies. Output:
fixtures/speech-bank/<set>/<persona>.<line>.opus (Opus, mono, 24 kHz, 24 kbit/s) and
fixtures/speech-bank/manifest.json ([{ id, text, speaker, persona, line, step?, insurer, set, voice, speed, file,
durationS, sha256 }]).

Cached: an utterance whose text, voice and speed are unchanged and whose file still has the recorded sha256 is
kept as it is, so a re-run only synthesizes what changed (and CI never runs this at all).

Usage:  python3 scripts/synth-bank.py [--only PREFIX ...] [--dry-run] [--force]

It reuses scripts/synth-speech.py (the same venv .tools/py-synth, the same registry downloads, model checksum,
sentence splitting, trimming, loudness and Opus settings) and adds PyYAML to that venv.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "fixtures" / "bank"
OUT = ROOT / "fixtures" / "speech-bank"
VENV = ROOT / ".tools" / "py-synth"
EXTRA_REQUIREMENTS = ["PyYAML==6.0.2"]

# The standard step each script line serves (lines not named here serve none: greeting, show_form, closing,
# and the fault lines misleading / mumble / unclear).
AGENT_STEPS = {
    "opening": "opening",
    "identity": "agent_identity",
    "ask_id": "customer_identity",
    "documents": "documents_shown",
    "product": "explanation",
    "liability": "explanation",
    "exclusions": "explanation",
    "premium": "explanation",
    "cooling": "explanation",
    "surrender": "explanation",
    "disclosure": "disclosure",
    "ask_clear": "clear_answer",
    "ask_understand": "clear_answer",
    "signing": "signing",
}
CUSTOMER_STEPS = {
    "consent": "opening",
    "confirm_id": "customer_identity",
    "disclose": "disclosure",
    "clear": "clear_answer",
    "understand": "clear_answer",
    "sign_ok": "signing",
}
REQUIRED_AGENT = set(AGENT_STEPS)
REQUIRED_REPLIES = set(CUSTOMER_STEPS) | {"mumble", "unclear"}
VOICES = {"zf_xiaobei", "zf_xiaoni", "zf_xiaoxiao", "zf_xiaoyi", "zm_yunjian", "zm_yunxi", "zm_yunxia", "zm_yunyang"}


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def load_synth_speech():
    spec = importlib.util.spec_from_file_location("synth_speech", ROOT / "scripts" / "synth-speech.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def bootstrap(base) -> None:
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", "-q", *base.PIP_REQUIREMENTS, *EXTRA_REQUIREMENTS], check=True)
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def parse_voice(spec: str) -> list[tuple[str, float]]:
    """'zf_a' or 'zf_a:0.6+zf_b:0.4' → [(voice, weight)], weights summing to 1."""
    parts = []
    for p in spec.split("+"):
        name, _, w = p.partition(":")
        parts.append((name.strip(), float(w) if w else 1.0))
    total = sum(w for _, w in parts)
    if abs(total - 1.0) > 1e-6 or not all(n in VOICES for n, _ in parts) or len(parts) > 2:
        raise ValueError(f"bad voice {spec!r}: one of {sorted(VOICES)} or a blend of two with weights summing to 1")
    return parts


def honorific(c: dict) -> str:
    return c["name"][0] + ("先生" if c["sex"] == "M" else "女士")


def bank_files() -> list[Path]:
    return sorted(BANK.glob("*.yaml")) + sorted((BANK / "sealed").glob("*.yaml"))


def utterances(yaml) -> list[dict]:
    """Every utterance of the bank, with the text a transcriber would write."""
    items = []
    for f in bank_files():
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        ins = doc["insurer"]["id"]
        set_ = doc["set"]
        if (set_ == "sealed") != bool(doc.get("sealed")) or set_ not in ("other", "sealed"):
            raise ValueError(f"{f}: set must be 'other', or 'sealed' with sealed: true")
        lines = {l["line"]: l["text"] for l in doc["script"]}
        missing = REQUIRED_AGENT - set(lines)
        if missing:
            raise ValueError(f"{f}: script lacks {sorted(missing)}")
        agents = {a["persona"]: a for a in doc["agents"]}
        customers = {c["persona"]: c for c in doc["customers"]}
        spoken = [*lines.items(), *doc.get("faults", {}).items()]
        done_agents: set[str] = set()
        for a_id, c_id in doc["pairs"]:
            a, c = agents[a_id], customers[c_id]
            fill = {"name": a["name"], "licence": a["licence"], "cust": c["name"], "custHon": honorific(c)}
            for line, text in spoken:
                # A line that names the customer is said once per pair (id PERSONA.LINE@CUSTOMER), the others
                # once per agent: an agent may sell to several customers.
                names_customer = "{cust" in text
                if not names_customer and a_id in done_agents:
                    continue
                items.append({"persona": a_id, "speaker": "agent", "line": line, "step": AGENT_STEPS.get(line),
                              "text": text.format(**fill), "voice": a["voice"], "speed": a["speed"], "insurer": ins, "set": set_,
                              **({"for": c_id} if names_customer else {})})
            done_agents.add(a_id)
            missing = REQUIRED_REPLIES - set(c["replies"])
            if missing:
                raise ValueError(f"{f}: customer {c_id} lacks replies {sorted(missing)}")
            for line, text in c["replies"].items():
                items.append({"persona": c_id, "speaker": "customer", "line": line, "step": CUSTOMER_STEPS.get(line),
                              "text": text, "voice": c["voice"], "speed": c["speed"], "insurer": ins, "set": set_})
    seen = set()
    for it in items:
        parse_voice(it["voice"])
        it["id"] = f"{it['persona']}.{it['line']}" + (f"@{it['for']}" if "for" in it else "")
        if it["id"] in seen:
            raise ValueError(f"utterance {it['id']} twice (a customer may be in one pair only)")
        seen.add(it["id"])
    return items


class BlendingKokoro:
    """synth-speech.py's Kokoro with style tables that may be a weighted blend of two voices."""

    def __init__(self, base) -> None:
        self.tts = base.Kokoro()
        self.base = base

    def style_for(self, spec: str) -> str:
        parts = parse_voice(spec)
        if len(parts) == 1:
            return parts[0][0]
        if spec not in self.tts.styles:
            (a, wa), (b, wb) = parts
            self.tts.styles[spec] = wa * self.tts.style(a) + wb * self.tts.style(b)
        return spec

    def utterance(self, text: str, voice: str, speed: float):
        return self.tts.utterance(text, self.style_for(voice), speed)


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="utterance id prefixes to (re)synthesize even when cached")
    ap.add_argument("--dry-run", action="store_true", help="list what would be synthesized, synthesize nothing")
    ap.add_argument("--force", action="store_true", help="ignore the cache")
    args = ap.parse_args()
    base = load_synth_speech()
    if not in_venv():
        bootstrap(base)
        return
    import yaml

    items = utterances(yaml)
    manifest_path = OUT / "manifest.json"
    old = {e["id"]: e for e in json.loads(manifest_path.read_text())} if manifest_path.exists() else {}

    def cached(it: dict) -> dict | None:
        e = old.get(it["id"])
        if args.force or not e or (args.only and any(it["id"].startswith(p) for p in args.only)):
            return None
        f = OUT / e["file"]
        same = e["text"] == it["text"] and e["voice"] == it["voice"] and e["speed"] == it["speed"]
        return e if same and f.exists() and sha256(f) == e["sha256"] else None

    todo = [it for it in items if not cached(it)]
    print(f"{len(items)} utterances in the bank, {len(todo)} to synthesize", flush=True)
    if args.dry_run:
        for it in todo:
            print(f"  {it['id']:<28} {it['voice']:<28} {it['speed']}  {it['text']}")
        return
    base.ASSETS.mkdir(parents=True, exist_ok=True)
    tts = BlendingKokoro(base) if todo else None
    np = tts.tts.np if tts else None
    entries = []
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for it in items:
            hit = cached(it)
            if hit:
                entries.append(hit)
                total += hit["durationS"]
                continue
            assert tts is not None and np is not None
            rel = f"{it['set']}/{it['id']}.opus"
            out = OUT / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            audio = tts.utterance(base.spoken_form(it["text"]), it["voice"], it["speed"])
            wav = Path(tmp) / f"{it['id']}.wav"
            base.write_wav(np, audio, wav)
            base.encode_opus(wav, out)
            dur = round(len(audio) / base.SAMPLE_RATE, 3)
            total += dur
            entry = {"id": it["id"], "text": it["text"], "speaker": it["speaker"], "persona": it["persona"], "line": it["line"]}
            if "for" in it:
                entry["for"] = it["for"]
            if it["step"]:
                entry["step"] = it["step"]
            entry.update({"insurer": it["insurer"], "set": it["set"], "voice": it["voice"], "speed": it["speed"],
                          "file": rel, "durationS": dur, "sha256": sha256(out)})
            entries.append(entry)
            # Written after each utterance, so an interrupted run keeps what it made.
            manifest_path.write_text(json.dumps(entries + [e for e in old.values() if e["id"] not in {x["id"] for x in entries}
                                                           and e["id"] in {i["id"] for i in items}], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(f"{it['id']:<28} {dur:6.2f}s  {it['text']}", flush=True)
    order = {it["id"]: i for i, it in enumerate(items)}
    entries.sort(key=lambda e: order[e["id"]])
    manifest_path.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for f in OUT.rglob("*.opus"):
        if str(f.relative_to(OUT)) not in {e["file"] for e in entries}:
            f.unlink()
    size = sum(f.stat().st_size for f in OUT.rglob("*.opus"))
    print(f"{len(entries)} utterances, {total:.1f} s of speech, {size / 1e6:.2f} MB of Opus")
    for v in sorted(VOICES):
        print(f"voice {v} sha256 {base.sha256_file(base.voice_file(v))}")


if __name__ == "__main__":
    main()
