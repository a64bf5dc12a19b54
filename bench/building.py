"""Builds: `build.sample`, `build.1000` and `build.5000`, build.py on a copy of the
sample campaign as git holds it, with 0, 1,000 or 5,000 generated stories."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from bench.commands import remaining, repeated, timed
from bench.plumbing import sample_site


def bench_builds(workdir: Path, args, wanted: list[str]) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
    results = []
    plan = [("build.sample", 0, 3), ("build.1000", 1000, args.runs), ("build.5000", 5000, 1)]
    for name, stories, runs in plan:
        if name not in wanted:
            continue
        site = sample_site(workdir, stories)
        config, out = site / "mkdocs.yml", site / "built"

        def build(config=config, out=out):
            shutil.rmtree(out, ignore_errors=True)
            command = [
                sys.executable,
                "build.py",
                "--config",
                str(config),
                "--site-dir",
                str(out),
                "--quiet",
            ]
            seconds, rss, _ = timed(command, env, timeout=min(300.0, remaining(reserve=15.0)))
            return seconds, rss

        result = repeated(name, "s", build, runs, stories=stories)
        if out.exists():
            result["pages"] = sum(1 for _ in out.rglob("index.html"))
        if stories:
            shutil.rmtree(site, ignore_errors=True)
        results.append(result)
    return results
