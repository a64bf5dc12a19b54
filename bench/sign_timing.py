"""Can an answer's timing tell whether an address has signed?

    python bench/sign_timing.py URL [N] [--set-aside]


Against a running API at URL, it first signs N addresses once, then posts N
first signatures (new addresses) and N second ones (those addresses again), in
a shuffled order so that drift on this shared machine falls on both alike, and
times each request from the client, as an attacker would. It prints one JSON
line:

- `new_p50_ms`, `again_p50_ms` and their ratio;
- `diff_us`: median(again) - median(new), with a bootstrap 95% interval;
- `auc`: the chance that a random second signature took longer than a random
  first one. 0.5 means one request's time tells nothing; 1.0 would give every
  address away.

With --set-aside the probes are a bot's (the honeypot filled), which the API
sets aside without mail: the cheapest probe, and one the victim never hears
of. make bench runs both, on SQLite and PostgreSQL, as `sign.timing.*`
(bench/signing.py); it can also be pointed at a server running older code.
"""

from __future__ import annotations

import bisect
import json
import random
import statistics
import sys
import time
import urllib.request
from pathlib import Path

PETITION = "paid-family-leave"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.profile_sign import BODY  # noqa: E402 - the signature every benchmark posts


def post(url: str, email: str, **more) -> float:
    """Seconds one signature took, request sent to answer read."""
    data = json.dumps({**BODY, "email": email, **more}).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback
        answer.read()
        if answer.status != 201:
            raise RuntimeError(f"answer {answer.status}")
    return time.perf_counter() - started


def auc(again: list[float], new: list[float]) -> float:
    """P(a random `again` time > a random `new` time), ties counted half."""
    ordered = sorted(new)
    wins = 0.0
    for t in again:
        below = bisect.bisect_left(ordered, t)
        ties = bisect.bisect_right(ordered, t) - below
        wins += below + ties / 2
    return wins / (len(again) * len(new))


def median_diff_interval(again: list[float], new: list[float], rounds: int = 400) -> tuple:
    rng = random.Random(7)
    diffs = sorted(
        statistics.median(rng.choices(again, k=len(again)))
        - statistics.median(rng.choices(new, k=len(new)))
        for _ in range(rounds)
    )
    return diffs[int(rounds * 0.025)], diffs[int(rounds * 0.975)]


def measure(base_url: str, n: int, set_aside: bool = False) -> dict:
    url = f"{base_url}/api/petitions/{PETITION}/signatures"
    run = time.monotonic_ns()
    signed = [f"timing-{run}-{i}@example.org" for i in range(n)]
    for email in signed[: min(50, n)]:
        post(url, f"warm-{email}")  # every worker warm before anything counts
    for email in signed:
        post(url, email)
    order = [("new", f"fresh-{email}") for email in signed] + [("again", e) for e in signed]
    random.Random(run).shuffle(order)
    times: dict[str, list[float]] = {"new": [], "again": []}
    probe = {"website": "http://spam.example"} if set_aside else {}
    for kind, email in order:
        times[kind].append(post(url, email, **probe))
    new, again = times["new"], times["again"]
    low, high = median_diff_interval(again, new)
    return {
        "requests": 2 * n,
        "new_p50_ms": round(statistics.median(new) * 1000, 3),
        "again_p50_ms": round(statistics.median(again) * 1000, 3),
        "ratio": round(statistics.median(again) / statistics.median(new), 3),
        "diff_us": round((statistics.median(again) - statistics.median(new)) * 1e6, 1),
        "diff_us_95": [round(low * 1e6, 1), round(high * 1e6, 1)],
        "auc": round(auc(again, new), 3),
    }


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(arguments[1]) if len(arguments) > 1 else 1000
    print(json.dumps(measure(arguments[0], n, "--set-aside" in sys.argv)))
