"""The most expensive signature bodies, in one process: `python bench/worst_body.py [N]`.

Prints one JSON line: CPU per request (median of 5 rounds of N requests) for a
typical signature, the worst body the API accepts (every field at its limit,
in the shapes that cost the checks most) and the worst it refuses (a 14 KB
comment of `a-a-a-`, which once cost a second). make bench records the worst
against the typical one measured alongside it; the target is under 5 ms.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_sign import BODY  # noqa: E402
from tests.conftest import prepared_app  # noqa: E402

UNLIMITED = "1000000000 per minute"
TYPICAL = BODY  # the signature profile_sign.py measures
WORST_ACCEPTED = {
    **TYPICAL,
    "first_name": "a-" * 50,
    "last_name": "b-" * 50,
    "street": "1-" * 100,
    "city": "c-" * 50,
    "comment": "a-" * 500,
    **{name: "x" * 500 for name in ("utm_source", "utm_medium", "utm_campaign", "page")},
}
WORST_REFUSED = {**TYPICAL, "comment": "a-" * 7_000}


def cpu_ms_per_request(client, body: dict, n: int, expect: int) -> float:
    rounds = []
    for r in range(5):
        started = time.process_time()
        for i in range(n):
            answer = client.post(
                "/api/petitions/paid-family-leave/signatures",
                json={**body, "email": f"w{r}-{i}-{time.monotonic_ns()}@example.org"},
            )
            if answer.status_code != expect:
                raise RuntimeError(f"{answer.status_code}: {answer.data[:200]!r}")
        rounds.append((time.process_time() - started) / n * 1000)
    return statistics.median(rounds)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    tmp = Path(tempfile.mkdtemp())
    app = prepared_app(
        f"sqlite:///{tmp / 'w.db'}",
        tmp,
        LIMIT_IP_SOFT=UNLIMITED,
        LIMIT_IP_HARD=UNLIMITED,
        LIMIT_PETITION=UNLIMITED,
        MAX_BODY_BYTES=16384,
        TESTING=False,
    )
    client = app.test_client()
    cpu_ms_per_request(client, TYPICAL, 50, 201)  # warm up
    result = {
        "typical_ms": cpu_ms_per_request(client, TYPICAL, n, 201),
        "worst_accepted_ms": cpu_ms_per_request(client, WORST_ACCEPTED, n, 201),
        "worst_refused_ms": cpu_ms_per_request(client, WORST_REFUSED, n, 422),
    }
    print(json.dumps({k: round(v, 3) for k, v in result.items()}))


if __name__ == "__main__":
    main()
