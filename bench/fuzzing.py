"""`fuzz`: the fuzz tests of tests/resilience at bench size, a check rather than a figure."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.plumbing import ROOT, log


def run_fuzz(args) -> dict:
    """The fuzz tests of tests/resilience at bench size: at least 10,000 generated cases."""
    tally = Path(tempfile.mkstemp(prefix="groundswell-fuzz-")[1])
    env = {
        **os.environ,
        "GROUNDSWELL_FUZZ_EXAMPLES": str(args.fuzz_examples),
        "GROUNDSWELL_OPENAPI_EXAMPLES": str(args.openapi_examples),
        "GROUNDSWELL_FUZZ_TALLY": str(tally),
    }
    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
            "tests/resilience/test_fuzz.py",
            "tests/resilience/test_openapi_fuzz.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    cases = sum(int(line) for line in tally.read_text().split() if line.strip())
    tally.unlink()
    summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
    log(f"fuzz: {cases:,} cases, {summary}")
    return {
        "name": "fuzz",
        "cases": cases,
        "passed": completed.returncode == 0,
        "summary": summary,
        "seconds": round(time.perf_counter() - started, 1),
    }
