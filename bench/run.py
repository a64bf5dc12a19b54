"""`make bench`: every benchmark on this machine, written to bench/results.{md,json}.

Throughputs are measured with wrk (Debian's package) against gunicorn on
loopback, bounded in time; each is the median of several runs and sits beside
a ceiling (`GET /bench/hello` of the same app, same server, same concurrency)
measured in the same run, so the ratio holds on a noisy machine.

    .venv/bin/python bench/run.py                 # everything (under 20 minutes)
    .venv/bin/python bench/run.py --only sign.sqlite,count.sqlite --runs 1
    .venv/bin/python bench/run.py --quick         # short runs, to check the harness

Traffic only ever goes to 127.0.0.1. This file only chooses and orders the
benchmarks; each family is a module of its own (bench/signing.py,
bench/exports.py, ...) over the plumbing they share (bench/plumbing.py,
bench/servers.py, bench/commands.py), and bench/results.py writes the results.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script, `bench` is not yet importable

from bench import (  # noqa: E402
    building,
    cards,
    confirming,
    counting,
    exports,
    fuzzing,
    mail_bench,
    results,
    signing,
    views,
    weights,
)
from bench.commands import BUDGET_END  # noqa: E402
from bench.plumbing import log, postgres_reachable, postgres_schema, skipped  # noqa: E402

ALL = [
    "sign.sqlite",
    "confirm.sqlite",
    "count.sqlite",
    "sign.postgresql",
    "sign.worst_body",
    "sign.timing",
    "view.beacon",
    "sign.beside_views",
    "export.csv.1m",
    "audiences.export.1m",
    "export.delivery.1m",
    "console.dashboard.1m",
    "build.sample",
    "build.1000",
    "build.5000",
    "build.cards.1000",
    "weight.home",
    "weight.petition",
    "mail.queue.200k",
    "mail.queue.200k.subjects",
    "mail.send.postgresql",
    "fuzz",
]


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--export-rows", type=int, default=1_000_000)
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--fuzz-examples", type=int, default=1800, help="per hypothesis test")
    parser.add_argument("--openapi-examples", type=int, default=150, help="per operation")
    parser.add_argument("--quick", action="store_true", help="short runs, to check the harness")
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    parser.add_argument("--budget", type=float, default=1140, help="seconds for everything")
    args = parser.parse_args(argv)
    BUDGET_END[0] = time.monotonic() + args.budget
    if args.quick:
        args.runs, args.seconds, args.export_rows, args.export_runs = 1, 2, 20_000, 1
        args.fuzz_examples, args.openapi_examples = 20, 5
    return args


def served(wanted: list[str], args, workdir: Path, figures: list[dict]) -> None:
    """The benchmarks of requests to a running server, into ``figures``."""
    sqlite_url = f"sqlite:///{workdir / 'bench.db'}"
    if {"sign.sqlite", "confirm.sqlite", "count.sqlite"} & set(wanted):
        # Confirm and count use the signatures the signing benchmark stored.
        sign = signing.bench_sign("sign.sqlite", sqlite_url, workdir, args)
        if "sign.sqlite" in wanted:
            figures.append(sign)
        if "confirm.sqlite" in wanted:
            figures.append(confirming.bench_confirm(sqlite_url, workdir, args))
        if "count.sqlite" in wanted:
            figures.append(counting.bench_count(sqlite_url, workdir, args))
    if "sign.postgresql" in wanted:
        problem = postgres_reachable()
        if problem:
            figures.append(skipped("sign.postgresql", "req/s", problem))
        else:
            with postgres_schema() as url:
                figures.append(signing.bench_sign("sign.postgresql", url, workdir, args))
    if "view.beacon" in wanted:
        views_db = f"sqlite:///{workdir / 'views.db'}"
        figures.append(views.bench_view_beacon(views_db, workdir, args))
    if "sign.beside_views" in wanted:
        beside_db = f"sqlite:///{workdir / 'beside.db'}"
        figures.append(views.bench_sign_beside_views(beside_db, workdir, args))
    if "sign.worst_body" in wanted:
        figures.append(signing.bench_worst_body(args))
    if "sign.timing" in wanted:
        timing_db = f"sqlite:///{workdir / 'timing.db'}"
        figures.extend(signing.bench_sign_timing(timing_db, "sqlite", workdir, args))
        if postgres_reachable() is None:
            with postgres_schema() as url:
                figures.extend(signing.bench_sign_timing(url, "postgresql", workdir, args))


def commanded(wanted: list[str], args, workdir: Path, figures: list[dict]) -> None:
    """The benchmarks of commands (exports, builds, mail) and page weights, into ``figures``."""
    if set(exports.EXPORTS) & set(wanted):
        try:
            figures.extend(exports.bench_exports(workdir, args, wanted))
        except RuntimeError as error:  # a command not there yet, or failing
            for name in exports.EXPORTS:
                if name in wanted and name not in {r["name"] for r in figures}:
                    figures.append(skipped(name, "s", str(error).splitlines()[0][:300]))
    if {"build.sample", "build.1000", "build.5000"} & set(wanted):
        figures.extend(building.bench_builds(workdir, args, wanted))
    if cards.NAME in wanted:
        figures.append(cards.bench_cards(workdir, args))
    if {"weight.home", "weight.petition"} & set(wanted):
        figures.extend(weights.bench_weight(workdir, wanted))
    if "mail.queue.200k" in wanted:
        figures.append(mail_bench.bench_mail_queue(workdir, args))
    if "mail.queue.200k.subjects" in wanted:
        figures.append(mail_bench.bench_mail_queue_subjects(workdir, args))
    if "mail.send.postgresql" in wanted:
        figures.append(mail_bench.bench_mail_send(workdir, args))


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench-deps)")
    wanted = [n for n in args.only.split(",") if n] or ALL
    started = time.monotonic()
    figures: list[dict] = []
    checks: list[dict] = []
    workdir = Path(tempfile.mkdtemp(prefix="groundswell-bench-"))
    try:
        served(wanted, args, workdir, figures)
        # The fuzz cases are a count the issue sets (10,000): run before the
        # steps that are bounded by what is left of the budget.
        if "fuzz" in wanted:
            checks.append(fuzzing.run_fuzz(args))
        commanded(wanted, args, workdir, figures)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for r in figures + checks:
        log(json.dumps(r))
    if not args.no_write:
        results.write_results(figures, checks, started, args)
    return 0 if all(c.get("passed", True) for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
