"""Confirming: `confirm.sqlite`, the confirmation tokens the signing benchmark queued,
posted through wrk (bench/confirm.lua) beside the ceiling (bench/servers.py)."""

from __future__ import annotations

from pathlib import Path

from bench.plumbing import db_scalar, log, pending_tokens, settings_for
from bench.servers import Server, throughput, wrk


def bench_confirm(database_url: str, workdir: Path, args) -> dict:
    """POST /confirm/<token> for the pending signatures the signing benchmark left."""
    settings = settings_for(database_url, workdir)
    tokens = pending_tokens(database_url)
    per_run = len(tokens) // args.runs
    seconds = max(1, min(args.seconds, 2))
    ceilings, runs = [], []
    with Server(settings) as server:
        wrk(server.url("/bench/hello"), 1)
        for i in range(args.runs):
            chunk = workdir / f"tokens-{i}.txt"
            chunk.write_text("\n".join(tokens[i * per_run : (i + 1) * per_run]) + "\n")
            ceilings.append(wrk(server.url("/bench/hello"), seconds, server=server))
            runs.append(
                wrk(server.url("/"), seconds, "confirm.lua", {"BENCH_TOKENS": str(chunk)}, server)
            )
            log(
                f"confirm.sqlite run {i + 1}: {runs[-1]['rate']:.0f} req/s "
                f"(ceiling {ceilings[-1]['rate']:.0f}, {per_run} tokens)"
            )
    exhausted = any(r["requests"] > per_run for r in runs)
    validated = db_scalar(database_url, "SELECT count(*) FROM signatures WHERE status='validated'")
    return throughput(
        "confirm.sqlite",
        runs,
        ceilings,
        seconds=seconds,
        tokens_per_run=per_run,
        tokens_exhausted=exhausted,
        validated_after=validated,
    )
