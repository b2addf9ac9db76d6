#!/usr/bin/env bash
# Optional suite, not run in CI: the S3 layer (lib/s3.ts, stack/buckets.ts) against MinIO instead of the
# embedded SeaweedFS, through S3_ENDPOINT like any external S3.
#
# MinIO has no registry binary: the first run builds it from the Go module proxy into .tools/bin/minio
# (about 12 minutes of both cores and ~2.2 GB of Go caches); later runs reuse it. MinIO's server is
# AGPL-3.0: it is only built and run here as a test peer, never shipped or linked.
#
# The server runs on a free loopback port with random root credentials and a throwaway data dir, and is
# stopped (and the data removed) on exit.
#   MINIO_VERSION=RELEASE.…  module version to build (default: latest)
#   MINIO_KEEP=1             keep the data dir and log for inspection
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TOOLS_BIN="${DUALQA_TOOLS_DIR:-$ROOT/.tools}/bin"
MINIO="$TOOLS_BIN/minio"

if [ -x "$MINIO" ]; then
  echo "minio: using $MINIO"
else
  GO="$(command -v go || true)"
  [ -z "$GO" ] && [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go
  if [ -z "$GO" ]; then
    echo "test-minio: needs Go to build MinIO (apt-get install golang-go)" >&2
    exit 1
  fi
  mkdir -p "$TOOLS_BIN"
  echo "minio: building github.com/minio/minio@${MINIO_VERSION:-latest} with $("$GO" version | cut -d' ' -f3) (slow: ~12 min)"
  GOBIN="$TOOLS_BIN" "$GO" install -trimpath "github.com/minio/minio@${MINIO_VERSION:-latest}"
fi
"$MINIO" --version | head -1

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();})"
}
random_token() {
  node -e "process.stdout.write(require('crypto').randomBytes(Number(process.argv[1])).toString('base64url'))" "$1"
}

PORT="$(free_port)"
CONSOLE_PORT="$(free_port)"
while [ "$CONSOLE_PORT" = "$PORT" ]; do CONSOLE_PORT="$(free_port)"; done
DATA="$(mktemp -d "${TMPDIR:-/tmp}/dualqa-minio-XXXXXX")"
LOG="$DATA.log"
ROOT_USER="dualqa$(random_token 6)"
ROOT_PASSWORD="$(random_token 24)"

MINIO_PID=""
cleanup() {
  if [ -n "$MINIO_PID" ] && kill -0 "$MINIO_PID" 2>/dev/null; then
    kill -TERM "$MINIO_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$MINIO_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$MINIO_PID" 2>/dev/null || true
    wait "$MINIO_PID" 2>/dev/null || true
  fi
  if [ "${MINIO_KEEP:-0}" = "1" ]; then
    echo "minio: kept $DATA and $LOG"
  else
    rm -rf "$DATA" "$LOG"
  fi
}
trap cleanup EXIT

echo "minio: starting on 127.0.0.1:$PORT (data $DATA)"
MINIO_ROOT_USER="$ROOT_USER" MINIO_ROOT_PASSWORD="$ROOT_PASSWORD" MINIO_BROWSER=off MINIO_UPDATE=off \
  "$MINIO" server --quiet --address "127.0.0.1:$PORT" --console-address "127.0.0.1:$CONSOLE_PORT" "$DATA" >"$LOG" 2>&1 &
MINIO_PID=$!

ready=0
for _ in $(seq 1 300); do
  if ! kill -0 "$MINIO_PID" 2>/dev/null; then
    echo "minio exited during startup:" >&2
    tail -20 "$LOG" >&2
    exit 1
  fi
  if node -e "require('http').get('http://127.0.0.1:$PORT/minio/health/ready',(r)=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ "$ready" != 1 ]; then
  echo "minio not ready after 60 s:" >&2
  tail -20 "$LOG" >&2
  exit 1
fi

npx tsc -p .
# The root user plays every role here; the lock section may create locked objects, which is fine on
# this throwaway server only (DUALQA_S3_SMOKE_LOCK is set by this script, never by CI).
S3_ENDPOINT="http://127.0.0.1:$PORT" S3_ACCESS_KEY="$ROOT_USER" S3_SECRET_KEY="$ROOT_PASSWORD" S3_REGION=us-east-1 \
  DUALQA_S3_SMOKE_LOCK=1 node --test --test-concurrency=1 dist/test/minio/
