#!/usr/bin/env bash
# The one demo command: set up, then inspect a generated sample dual recording on the embedded stack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node dist/cli/main.js demo "$@"
