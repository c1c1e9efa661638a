#!/usr/bin/env bash
# Runs the README's examples (the code blocks fenced as "```sh example") in order, in one
# shell, against a fresh gateway (temporary SQLite database, demo seed, admin token
# demo-admin-token, a free port put in place of the examples' 127.0.0.1:8080). Any failing
# command or HTTP error status fails the run. Needs curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$("$ROOT/scripts/gateway-bin")
[ -x "$BIN" ] || { echo "could not find the gateway binary" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" --bind "127.0.0.1:$PORT" --database-url "sqlite://$WORK/gateway.db" \
  --seed-file "$ROOT/fixtures/demo-seed.json" --admin-token demo-admin-token --log-level warn \
  >"$WORK/gateway.log" 2>&1 &
GW=$!
cleanup() { kill "$GW" 2>/dev/null || true; wait "$GW" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# The examples, in order; each block announced before it runs.
python3 - "$ROOT/README.md" "$PORT" >"$WORK/examples.sh" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"^```sh example\n(.*?)^```$", text, re.S | re.M)
if not blocks:
    sys.exit("no examples found in README.md")
for i, b in enumerate(blocks, 1):
    print(f"echo '== example {i}'")
    print(b.replace("http://127.0.0.1:8080", f"http://127.0.0.1:{sys.argv[2]}"))
PY
count=$(grep -c '^echo .== example' "$WORK/examples.sh")
status=0
# curl fails on HTTP errors (and says why) wherever the examples call it.
bash -c 'set -euo pipefail; curl() { command curl --fail-with-body -sS "$@"; echo; }; source "$1"' \
  _ "$WORK/examples.sh" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- a README example failed (exit $status); gateway log:"; tail -n 30 "$WORK/gateway.log"
  exit "$status"
fi
echo "README examples: $count passed, 0 failed"
