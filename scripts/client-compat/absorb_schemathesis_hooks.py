"""Schemathesis hooks for the Absorb run (absorb_schemathesis.sh).

The HTTP layer under every facade refuses a request URI over 64 KiB (the `http` crate's
limit) with an empty 400 before the facade sees the request, so the facade cannot answer it
in Absorb's shape. Cases whose query string alone would pass that limit (the fuzzer's bulk
lists of thousands of GUIDs; the documented maximum is 1000 per list) are not generated.
Issue 10 tracks answering over-long URIs in the vendor's shape; drop this hook with it.
"""
from urllib.parse import urlencode

import schemathesis

QUERY_LIMIT = 60_000


@schemathesis.hook
def filter_query(ctx, query):
    return query is None or len(urlencode(query, doseq=True)) < QUERY_LIMIT
