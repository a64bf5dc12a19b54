"""Exports of a million signatures: `export.csv.1m`, `audiences.export.1m`,
`export.delivery.1m` and `console.dashboard.1m`, each a command timed with its
peak RSS on one SQLite database of synthetic validated signatures over all
districts."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from bench.commands import flask, remaining, repeated, timed
from bench.plumbing import PETITION, ROOT, environment, log, prepare_database, settings_for, skipped

# The public district and legislator files, as `make run` finds them.
SHARED_DATA = Path(os.environ.get("CONGRESS_DATA", ROOT.parent / "shared" / "data"))


SUPPORTERS_FROM_SIGNATURES = """
    INSERT INTO supporters (email_canonical, email, first_name, last_name, city, state, zip,
                            district, status, scope, link_key, created_at, status_changed_at)
    SELECT email_canonical, email, first_name, last_name, city, state, zip, district,
           'subscribed', 'all', lower(hex(randomblob(21))), validated_at, validated_at
    FROM signatures WHERE status = 'validated'
"""


def bench_audiences(workdir: Path, env: dict, args, results: list[dict], rows: int) -> dict:
    """The Meta list (normalised, seven SHA-256 a row) and the Mailchimp import (the
    petitions each person signed) of the supporters the same signatures make, beside
    the CSV signature export of those rows measured in this run (the ceiling)."""
    with sqlite3.connect(workdir / "export.db") as connection:
        connection.execute(SUPPORTERS_FROM_SIGNATURES)
    ceiling = next((r for r in results if r["name"] == "export.csv.1m"), None)
    if ceiling is None:  # measured here when the CSV benchmark was not asked for
        out = workdir / "signatures.csv"
        seconds, _, _ = timed(
            flask("signatures", "export", PETITION, "--format", "csv", "--out", str(out)), env
        )
        ceiling = {"median": seconds}
    measured = {}
    for fmt in ("meta", "mailchimp"):
        out = workdir / f"audience-{fmt}.csv"

        def export(fmt=fmt, out=out):
            command = flask("audiences", "export", fmt, "--out", str(out), "--force")
            seconds, rss, _ = timed(command, env)
            return seconds, rss

        measured[fmt] = repeated(f"audiences.export.{fmt}", "s", export, args.export_runs)
        with out.open("rb") as f:
            measured[fmt]["lines"] = sum(1 for _ in f)
        out.unlink()
    meta, mailchimp = measured["meta"], measured["mailchimp"]
    slowest = max(meta["median"], mailchimp["median"])
    return {
        "name": "audiences.export.1m",
        "unit": "s",
        "median": slowest,
        "min": min(meta["min"], mailchimp["min"]),
        "max": max(meta["max"], mailchimp["max"]),
        "rss_mb": max(meta["rss_mb"], mailchimp["rss_mb"]),
        "ceiling": round(ceiling["median"], 2),
        "ratio": round(slowest / ceiling["median"], 3),
        "rows": rows,
        "meta_s": meta["median"],
        "mailchimp_s": mailchimp["median"],
        "lines": meta["lines"],
        "runs": meta["runs"],
    }


# What runs on the export benchmark's database of a million signatures.
EXPORTS = ("export.csv.1m", "audiences.export.1m", "export.delivery.1m", "console.dashboard.1m")


def bench_exports(workdir: Path, args, wanted: list[str]) -> list[dict]:
    """1,000,000 synthetic validated signatures over all districts; CSV export and delivery."""
    districts = SHARED_DATA / "zccd.csv"
    legislators = SHARED_DATA / "legislators-current.csv"
    names = [n for n in EXPORTS if n in wanted]
    if not (districts.exists() and legislators.exists()):
        why = f"missing {districts} or {legislators}"
        return [skipped(n, "s", why) for n in names]
    url = f"sqlite:///{workdir / 'export.db'}"
    settings = settings_for(url, workdir)
    env = environment(settings) | {"FLASK_APP": "petition_api"}
    prepare_database(settings)
    count = args.export_rows
    timed(
        flask("congress", "load", "--districts", str(districts), "--legislators", str(legislators)),
        env,
    )
    seconds, rss, _ = timed(
        flask("signatures", "synthesize", str(count), "--petition", PETITION, "--seed", "1"), env
    )
    log(f"synthesized {count:,} signatures in {seconds:.1f} s (peak RSS {rss:.0f} MB)")
    results = []
    if "export.csv.1m" in wanted:
        out = workdir / "signatures.csv"

        def csv_export():
            seconds, rss, _ = timed(
                flask("signatures", "export", PETITION, "--format", "csv", "--out", str(out)), env
            )
            return seconds, rss

        result = repeated(
            "export.csv.1m",
            "s",
            csv_export,
            args.export_runs,
            rows=count,
            synthesize_s=round(seconds, 1),
        )
        with out.open("rb") as f:
            result["lines"] = sum(1 for _ in f)
        result["bytes"] = out.stat().st_size
        out.unlink()
        results.append(result)
    if "audiences.export.1m" in wanted:
        results.append(bench_audiences(workdir, env, args, results, count))
    if "export.delivery.1m" in wanted:
        target = workdir / "delivery"

        def delivery_export():
            shutil.rmtree(target, ignore_errors=True)
            seconds, rss, _ = timed(
                flask("delivery", "export", PETITION, "--out", str(target)),
                env,
                timeout=min(330.0, remaining(reserve=240.0)),
            )
            return seconds, rss

        result = repeated("export.delivery.1m", "s", delivery_export, 1, rows=count)
        files = [p for p in target.rglob("*") if p.is_file()]
        result["files"] = len(files)
        result["bytes"] = sum(p.stat().st_size for p in files)
        shutil.rmtree(target, ignore_errors=True)
        results.append(result)
    if "console.dashboard.1m" in wanted:
        results.append(bench_dashboard(env, count))
    return results


def bench_dashboard(env: dict, count: int) -> dict:
    """The staff dashboard of the export database's petition, with a fifth as many
    signatures again still pending (bench/dashboard.py)."""
    pending = count // 5
    timed(
        flask("signatures", "synthesize", str(pending), "--petition", PETITION, "--seed", "2",
              "--status", "pending"),
        env,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "dashboard.py"), PETITION],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    log(f"console.dashboard.1m: {figures}")
    return {
        "name": "console.dashboard.1m",
        "unit": "ms",
        "median": figures["median_ms"],
        "min": figures["min_ms"],
        "max": figures["max_ms"],
        "ceiling": figures["hello_ms"],
        "ratio": figures["ratio"],
        "p95_ms": figures["p95_ms"],
        "slowest_query_ms": figures["slowest_query_ms"],
        "queries_per_page": figures["queries_per_page"],
        "first_open_ms": figures["first_ms"],
        "history_s": figures["history_s"],
        "history_opens": figures["history_opens"],
        "signatures": count + pending,
        "runs": figures["runs"],
    }
