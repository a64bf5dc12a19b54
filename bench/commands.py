"""Benchmarks of commands: one run timed with its peak RSS and bounded, repeated runs.

`make bench` has a budget (bench/run.py --budget, under 20 minutes): slow
commands are stopped for time and reported as "stopped after", and runs
slower than REPEAT_LIMIT are not repeated.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from bench.plumbing import ROOT, log

REPEAT_LIMIT = 25.0  # seconds: slower runs are not repeated
BUDGET_END = [float("inf")]  # monotonic time by which make bench should be done


def remaining(reserve: float = 0.0) -> float:
    """Seconds left in the bench budget after keeping `reserve` for later steps."""
    return max(30.0, BUDGET_END[0] - time.monotonic() - reserve)


class TooSlow(RuntimeError):
    """A bounded command ran out of time; `seconds` is how long it had run."""

    def __init__(self, seconds: float):
        super().__init__(f"stopped after {seconds:.0f} s")
        self.seconds = seconds


def timed(
    command: list[str], env: dict[str, str], timeout: float | None = None, **kwargs
) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output tail) of one command, RSS from wait4; bounded."""
    started = time.perf_counter()
    log_file = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed below, after wait4
    process = subprocess.Popen(
        command,
        env=env,
        cwd=kwargs.get("cwd", ROOT),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        text=True,
    )
    timer = None
    if timeout:
        timer = threading.Timer(timeout, process.kill)
        timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    if timer:
        timer.cancel()
    log_file.seek(0)
    output = log_file.read()
    log_file.close()
    if timeout and time.perf_counter() - started >= timeout:
        raise TooSlow(time.perf_counter() - started)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, output[-500:]


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", *args]


def repeated(name: str, unit: str, measure, runs: int, **extra) -> dict:
    """Median/min/max of `measure()` -> (value, rss_mb) over `runs` runs.

    A run slower than REPEAT_LIMIT seconds is not repeated (the budget of
    `make bench` is 20 minutes); one that is stopped for time is reported as
    at least that long, marked `stopped_after_s`.
    """
    values, rss = [], []
    for i in range(runs):
        try:
            value, peak = measure()
        except TooSlow as slow:
            log(f"{name} run {i + 1}: stopped after {slow.seconds:.0f} s")
            return {
                "name": name,
                "unit": unit,
                "median": round(slow.seconds, 1),
                "min": round(slow.seconds, 1),
                "max": round(slow.seconds, 1),
                "stopped_after_s": round(slow.seconds, 1),
                "runs": i + 1,
                **extra,
            }
        values.append(value)
        rss.append(peak)
        log(f"{name} run {i + 1}: {value:.2f} {unit}, peak RSS {peak:.0f} MB")
        if value > REPEAT_LIMIT:
            break
    return {
        "name": name,
        "unit": unit,
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "rss_mb": round(max(rss), 1),
        "runs": len(values),
        **extra,
    }
