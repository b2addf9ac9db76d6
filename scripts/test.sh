#!/usr/bin/env bash
# The one test command: set up, then type-check + lint, unit tests (incl. workflow tests on the
# time-skipping server and the replay test), and integration tests on a real Temporal dev server and a
# real SeaweedFS that the tests start themselves on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== check (tsc + eslint)"
npm run -s check
echo "== unit tests"
node --test --test-concurrency=1 dist/test/unit/
echo "== integration tests (real Temporal + SeaweedFS)"
node --test --test-concurrency=1 dist/test/integration/
