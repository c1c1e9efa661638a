#!/usr/bin/env bash
# Absorb: schemathesis (PyPI, pinned) against the running gateway's /absorb/openapi.json,
# authenticated as the demo admin (x-api-key + a token from /absorb/authenticate). Checks:
# no server errors; status codes, content types, headers and bodies as documented; data the
# document calls invalid is rejected; undocumented methods are 405 with a true Allow; auth
# is enforced. Bounded in time (--max-time); a fixed seed keeps CI reproducible
# (ABSORB_ST_SEED overrides it, ABSORB_ST_MAX_EXAMPLES the examples per operation,
# ABSORB_ST_MAX_TIME the time budget in seconds).
#
# Called by run.sh with GATEWAY (the gateway's base URL, demo seed loaded) and VENV (its
# Python venv). Exits non-zero on any finding.
# One worker: schemathesis's workers are threads, and on Python 3.11 two threads in
# ast.parse at once can fail with "AST constructor recursion depth mismatch" (CPython
# gh-106905), which hypothesis reaches while describing strategies; a CI run failed so.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=$(cd "${VENV:-$ROOT/target/client-compat-venv}" && pwd)
SCHEMATHESIS_VERSION=4.32.5
: "${GATEWAY:?set GATEWAY to the gateway base URL}"
KEY=b1f0e3c2-7d4a-4e8b-9c61-2f5a8d7e4b10

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION"

TOKEN=$(GATEWAY=$GATEWAY KEY=$KEY "$VENV/bin/python" - <<'PY'
import json, os, urllib.request
body = json.dumps({"username": "admin@demo.example", "password": "Demo-Admin-1",
                   "privateKey": os.environ["KEY"]}).encode()
req = urllib.request.Request(os.environ["GATEWAY"] + "/absorb/authenticate", data=body,
                             headers={"x-api-key": os.environ["KEY"], "x-api-version": "2",
                                      "Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=10)))
PY
)

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "== Absorb: schemathesis $SCHEMATHESIS_VERSION against $GATEWAY/absorb/openapi.json"
cd "$OUT"
SCHEMATHESIS_HOOKS="$ROOT/scripts/client-compat/absorb_schemathesis_hooks.py" \
timeout $(( ${ABSORB_ST_MAX_TIME:-90} + 80 )) "$VENV/bin/st" run "$GATEWAY/absorb/openapi.json" \
  --url "$GATEWAY/absorb" \
  -H "x-api-key: $KEY" -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,unsupported_method,allow_header_conformance,missing_required_header,ignored_auth \
  --mode all --phases examples,coverage,fuzzing \
  --max-examples "${ABSORB_ST_MAX_EXAMPLES:-25}" --seed "${ABSORB_ST_SEED:-20260301}" \
  --max-time "${ABSORB_ST_MAX_TIME:-90}" --workers 1 --request-timeout 10 \
  --generation-database none --no-color --output-truncate false
