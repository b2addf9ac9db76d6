#!/usr/bin/env python3
"""Cut the head-and-shoulders photos used by fixtures/generate.ts out of registry-packaged images.

Run once by a developer; the crops (fixtures/faces/*.jpg, a few tens of KB each) are committed so that
generating fixtures needs neither the Debian image packages nor npm at test time.

Sources (crop rectangles were chosen by looking at each image; each crop holds exactly one face):
  * Debian python3-skimage: /usr/lib/python3/dist-packages/skimage/data/astronaut.png  -> agentA
  * Debian opencv-doc:      /usr/share/doc/opencv-doc/opencv4/html/face_swapped.jpg     -> custC
  * npm @vladmandic/face-api@1.7.15 (npm pack): demo/sample3.jpg                         -> agentB
                                                demo/sample6.jpg                         -> custD
                                                demo/sample6.jpg (second from left)      -> visitorE
Needs ffmpeg and npm on PATH. Usage: python3 scripts/synth-faces.py
"""
from __future__ import annotations

import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "faces"
FACE_API = "@vladmandic/face-api@1.7.15"

# persona -> (source, crop w:h:x:y in source pixels, output height)
CROPS = {
    "agentA": ("deb:/usr/lib/python3/dist-packages/skimage/data/astronaut.png", "330:360:60:0", 360),
    "custC": ("deb:/usr/share/doc/opencv-doc/opencv4/html/face_swapped.jpg", "320:320:0:0", 320),
    "agentB": ("npm:package/demo/sample3.jpg", "600:760:900:100", 760),
    "custD": ("npm:package/demo/sample6.jpg", "600:740:60:300", 740),
    # the third person who walks in behind them (case third_person), head to hips; drawn small
    "visitorE": ("npm:package/demo/sample6.jpg", "560:1150:490:186", 600),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        npm_root: Path | None = None
        for persona, (src, crop, height) in CROPS.items():
            kind, where = src.split(":", 1)
            if kind == "deb":
                path = Path(where)
                if not path.exists():
                    raise SystemExit(f"{path} missing: apt-get install -y python3-skimage opencv-doc")
            else:
                if npm_root is None:
                    subprocess.run(["npm", "pack", "--silent", FACE_API], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
                    tgz = next(Path(tmp).glob("vladmandic-face-api-*.tgz"))
                    npm_root = Path(tmp) / "x"
                    with tarfile.open(tgz) as t:
                        members = [m for m in t.getmembers() if m.name.startswith("package/demo/sample")]
                        t.extractall(npm_root, members=members, filter="data")
                path = npm_root / where
            out = OUT / f"{persona}.jpg"
            subprocess.run([
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(path),
                "-vf", f"crop={crop},scale=-2:{height}:flags=lanczos", "-q:v", "3",
                "-map_metadata", "-1", "-fflags", "+bitexact", "-frames:v", "1", str(out),
            ], check=True)
            print(f"{out.relative_to(ROOT)}  {out.stat().st_size} bytes  from {src} crop {crop}")


if __name__ == "__main__":
    main()
