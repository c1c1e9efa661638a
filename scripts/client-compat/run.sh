#!/usr/bin/env bash
# Client compatibility against a fresh gateway (temporary SQLite database, demo seed): the
# official SCORM Cloud Python SDK (PyPI rustici-software-cloud-v2); schemathesis against
# Absorb's OpenAPI document; the zeep SOAP client (PyPI) calling every iSpring operation from
# the WSDL; schemathesis against iSpring's own REST v3 OpenAPI document. Needs python3
# (>= 3.10) with venv/pip and curl; everything else is installed here. Exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PYTHON:-python3}
VENV=$ROOT/target/client-compat-venv
SDK_VERSION=5.0.0
ZEEP_VERSION=4.3.3

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV" || { "$PY" -m pip install --quiet virtualenv && "$PY" -m virtualenv -q "$VENV"; }
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "rustici-software-cloud-v2==$SDK_VERSION" "zeep==$ZEEP_VERSION"

BIN=$("$ROOT/scripts/gateway-bin")
[ -x "$BIN" ] || { echo "could not find the gateway binary" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ADMIN_TOKEN=client-compat-admin
"$BIN" --bind "127.0.0.1:$PORT" --database-url "sqlite://$WORK/gateway.db" \
  --seed-file "$ROOT/fixtures/demo-seed.json" --admin-token "$ADMIN_TOKEN" --log-level warn \
  >"$WORK/gateway.log" 2>&1 &
GW=$!
cleanup() { kill "$GW" 2>/dev/null || true; wait "$GW" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.1
done

status=0
GATEWAY="http://127.0.0.1:$PORT" ADMIN_TOKEN=$ADMIN_TOKEN \
  "$VENV/bin/python" "$ROOT/scripts/client-compat/test_scormcloud.py" || status=$?
# --- Absorb: schema-driven checks against /absorb/openapi.json (absorb_schemathesis.sh) ---
GATEWAY="http://127.0.0.1:$PORT" VENV=$VENV \
  "$ROOT/scripts/client-compat/absorb_schemathesis.sh" || status=$?
# --- end Absorb ---
# --- iSpring: zeep from the WSDL, then schemathesis against the vendor's REST document ---
GATEWAY="http://127.0.0.1:$PORT" ADMIN_TOKEN=$ADMIN_TOKEN \
  "$VENV/bin/python" "$ROOT/scripts/client-compat/test_ispring_zeep.py" || status=$?
GATEWAY="http://127.0.0.1:$PORT" VENV=$VENV \
  "$ROOT/scripts/client-compat/ispring_schemathesis.sh" || status=$?
# --- end iSpring ---
# --- TrainerCentral: an integration's flow with a plain HTTP client (consent page, tokens) ---
GATEWAY="http://127.0.0.1:$PORT" \
  "$VENV/bin/python" "$ROOT/scripts/client-compat/test_trainercentral.py" || status=$?
# --- end TrainerCentral ---
if [ "$status" -ne 0 ]; then
  echo "--- gateway log"; tail -n 50 "$WORK/gateway.log"
fi
exit "$status"
