"""Profile the signing path in one process: `python bench/profile_sign.py [N] [--html OUT]`.

Signs N valid signatures (distinct emails) through the app's test client on a
fresh SQLite database and prints CPU per request and pyinstrument's profile.
What gunicorn adds (HTTP parsing, one connection per request) is measured by
the ceiling in bench/servers.py instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import prepared_app  # noqa: E402

BODY = {
    "first_name": "Bench",
    "last_name": "Signer",
    "street": "350 Fifth Avenue",
    "city": "New York",
    "state": "NY",
    "zip": "10118",
    "comment": "Synthetic benchmark signature.",
    "email_updates": True,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--html", default="")
    parser.add_argument("--path", default="sign", choices=["sign", "count", "hello"])
    args = parser.parse_args()
    from pyinstrument import Profiler

    tmp = Path(tempfile.mkdtemp())
    app = prepared_app(
        f"sqlite:///{tmp / 'p.db'}",
        tmp,
        LIMIT_IP_SOFT="1000000000 per minute",
        LIMIT_IP_HARD="1000000000 per minute",
        LIMIT_PETITION="1000000000 per minute",
        COUNT_REFRESH_SECONDS=5.0,
        TESTING=False,
    )
    app.add_url_rule("/bench/hello", "hello", lambda: {"hello": "world"})
    client = app.test_client()

    def one(i: int):
        if args.path == "sign":
            r = client.post(
                "/api/petitions/paid-family-leave/signatures",
                json={**BODY, "email": f"p{i}@example.org"},
            )
            if r.status_code != 201:
                raise RuntimeError(r.data)
        elif args.path == "count":
            if client.get("/api/petitions/paid-family-leave").status_code != 200:
                raise RuntimeError("count failed")
        else:
            if client.get("/bench/hello").status_code != 200:
                raise RuntimeError("hello failed")

    for i in range(100):
        one(-i - 1)
    profiler = Profiler(interval=0.0005)
    cpu, wall = time.process_time(), time.perf_counter()
    profiler.start()
    for i in range(args.n):
        one(i)
    profiler.stop()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{args.path}: {args.n} requests, {cpu / args.n * 1000:.3f} ms CPU and "
        f"{wall / args.n * 1000:.3f} ms wall per request (profiler on)"
    )
    print(
        profiler.output_text(unicode=False, color=False, show_all=bool(os.environ.get("SHOW_ALL")))
    )
    if args.html:
        Path(args.html).write_text(profiler.output_html())
    cpu = time.process_time()
    for i in range(args.n, args.n * 2):
        one(i)
    print(
        f"{args.path}: {(time.process_time() - cpu) / args.n * 1000:.3f} ms CPU per request "
        "(profiler off)"
    )


if __name__ == "__main__":
    main()
