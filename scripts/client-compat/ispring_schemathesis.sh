#!/usr/bin/env bash
# iSpring: schemathesis (PyPI, pinned) against the running gateway's REST twin, checked
# against iSpring's own REST v3 OpenAPI document reduced to the served operations, with this
# service's declared deviations added (ispring_openapi.py). Authenticated with a token from
# /ispring/api/v3/token. Checks: no server errors; status codes, content types, headers and
# bodies as documented; data the document calls invalid is rejected; undocumented methods
# are 405 with a true Allow; auth is enforced. Bounded in time (--max-time); a fixed seed
# keeps CI reproducible (ISPRING_ST_SEED, ISPRING_ST_MAX_EXAMPLES, ISPRING_ST_MAX_TIME).
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

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$VENV/bin/python" "$ROOT/scripts/client-compat/ispring_openapi.py" "$OUT/ispring.json"
TOKEN=$(curl -sf "$GATEWAY/ispring/api/v3/token" -d client_id=demo-ispring-client \
  -d client_secret=demo-ispring-client-secret -d grant_type=client_credentials \
  | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

echo "== iSpring: schemathesis $SCHEMATHESIS_VERSION against iSpring's REST v3 document at $GATEWAY/ispring"
cd "$OUT"
SCHEMATHESIS_HOOKS="$ROOT/scripts/client-compat/absorb_schemathesis_hooks.py" \
timeout $(( ${ISPRING_ST_MAX_TIME:-90} + 80 )) "$VENV/bin/st" run "$OUT/ispring.json" \
  --url "$GATEWAY/ispring" \
  -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,unsupported_method,allow_header_conformance,missing_required_header,ignored_auth \
  --mode all --phases examples,coverage,fuzzing \
  --max-examples "${ISPRING_ST_MAX_EXAMPLES:-20}" --seed "${ISPRING_ST_SEED:-20261205}" \
  --max-time "${ISPRING_ST_MAX_TIME:-90}" --workers 1 --request-timeout 10 \
  --generation-database none --no-color --output-truncate false
