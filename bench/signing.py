"""Signing: `sign.sqlite`, `sign.postgresql`, `sign.worst_body` and `sign.timing.*`.

sign.*: valid JSON signatures with distinct emails (bench/sign.lua) posted
through wrk, beside the ceiling (bench/servers.py). sign.worst_body: CPU of the
costliest bodies in one process (bench/worst_body.py). sign.timing: whether an
answer takes longer for an address that has signed (bench/sign_timing.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.plumbing import (
    BENCH,
    PETITION,
    ROOT,
    db_scalar,
    log,
    prepare_database,
    settings_for,
)
from bench.servers import Server, throughput, wrk


def bench_sign(name: str, database_url: str, workdir: Path, args) -> dict:
    settings = settings_for(database_url, workdir)
    prepare_database(settings)
    sign_url = f"/api/petitions/{PETITION}/signatures"
    ceilings, runs = [], []
    with Server(settings) as server:
        wrk(server.url("/bench/hello"), 1)  # warm up every worker
        wrk(server.url(sign_url), 1, "sign.lua", {"BENCH_RUN": "warm"})
        for i in range(args.runs):
            ceilings.append(wrk(server.url("/bench/hello"), args.seconds, server=server))
            runs.append(
                wrk(server.url(sign_url), args.seconds, "sign.lua", {"BENCH_RUN": f"r{i}"}, server)
            )
            log(
                f"{name} run {i + 1}: {runs[-1]['rate']:.0f} req/s "
                f"(ceiling {ceilings[-1]['rate']:.0f}), p99 {runs[-1]['p99_ms']:.1f} ms, "
                f"errors {runs[-1]['errors']}, server CPU {runs[-1]['cpu_ms_per_req']:.2f} ms/req "
                f"(hello {ceilings[-1]['cpu_ms_per_req']:.2f})"
            )
    stored = db_scalar(database_url, "SELECT count(*) FROM signatures")
    answered = sum(r["requests"] - r["status_errors"] for r in runs)
    return throughput(
        name, runs, ceilings, seconds=args.seconds, stored_rows=stored, answered_2xx=answered
    )


def bench_sign_timing(database_url: str, database: str, workdir: Path, args) -> list[dict]:
    """New address or one that has signed: do the answers take the same time?"""
    from bench.sign_timing import measure

    settings = settings_for(database_url, workdir)
    prepare_database(settings)
    results = []
    with Server(settings) as server:
        for probe in ("clean", "set_aside"):
            figures = measure(server.url(""), 100 if args.quick else 1500, probe == "set_aside")
            name = f"sign.timing.{probe}.{database}"
            log(f"{name}: {figures}")
            results.append(
                {
                    "name": name,
                    "unit": "AUC",
                    "median": figures["auc"],
                    "min": figures["auc"],
                    "max": figures["auc"],
                    "p50_ms": figures["new_p50_ms"],
                    **{k: v for k, v in figures.items() if k not in ("auc", "new_p50_ms")},
                }
            )
    return results


def bench_worst_body(args) -> dict:
    """CPU of the costliest bodies, in one process, beside a typical one (bench/worst_body.py)."""
    n = "20" if args.quick else "200"
    out = subprocess.run(
        [sys.executable, str(BENCH / "worst_body.py"), n],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    worst = max(figures["worst_accepted_ms"], figures["worst_refused_ms"])
    log(f"sign.worst_body: {figures}")
    return {
        "name": "sign.worst_body",
        "unit": "ms CPU",
        "median": worst,
        "min": worst,
        "max": worst,
        "ratio": round(worst / figures["typical_ms"], 2),
        **figures,
    }
