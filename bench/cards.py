"""`build.cards.1000`: the 1,000-story build with share graphics, cold and warm, beside
the same build without them (``share_graphics: false``), in the same run.

Cold builds start with an empty picture cache (every chart and graphic drawn);
warm builds find everything drawn, and are the fastest of three of each. The
figures: build time added per graphic cold, and the warm build's time over the
warm build without graphics.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from bench.commands import remaining, timed
from bench.plumbing import log, sample_site

NAME = "build.cards.1000"
STORIES = 1000
WARM_RUNS = 3


def bench_cards(workdir: Path, args) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
    site = sample_site(workdir, STORIES)
    configs = {on: _config(site, on) for on in (True, False)}
    seconds: dict[tuple[bool, str], float] = {}
    peak = 0.0
    # Warm builds differ by a few percent, less than this shared machine's noise: each is
    # run WARM_RUNS times, off and on alternating, and the fastest of each is kept.
    for warmth, runs in (("cold", 1), ("warm", WARM_RUNS)):
        for _ in range(runs):
            for on in (False, True):
                took, rss = _build(site, configs[on], on, env, cold=warmth == "cold")
                seconds[on, warmth] = min(took, seconds.get((on, warmth), took))
                peak = max(peak, rss)
                shown = "on" if on else "off"
                log(f"{NAME} {warmth}, graphics {shown}: {took:.2f} s, {rss:.0f} MB")
    graphics = sum(1 for _ in (site / "built").rglob("share/*.png"))
    shutil.rmtree(site, ignore_errors=True)
    added = seconds[True, "cold"] - seconds[False, "cold"]
    per_graphic = added / graphics * 1000
    return {
        "name": NAME,
        "unit": "ms/graphic",
        "median": round(per_graphic, 2),
        "min": round(per_graphic, 2),
        "max": round(per_graphic, 2),
        "rss_mb": round(peak, 1),
        "runs": 1,
        "stories": STORIES,
        "graphics": graphics,
        "cold_s": round(seconds[True, "cold"], 2),
        "cold_without_s": round(seconds[False, "cold"], 2),
        "warm_s": round(seconds[True, "warm"], 2),
        "warm_without_s": round(seconds[False, "warm"], 2),
        "warm_ratio": round(seconds[True, "warm"] / seconds[False, "warm"], 3),
    }


def _build(site: Path, config: Path, on: bool, env: dict, cold: bool) -> tuple[float, float]:
    """One build.py run into site/built: seconds and peak RSS (MB)."""
    cache = site / ".cache" / ("cards" if on else "plain")
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    out = site / "built"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "build.py", "--config", str(config),
               "--site-dir", str(out), "--quiet"]  # fmt: skip
    took, rss, _ = timed(command, env, timeout=min(300.0, remaining(reserve=15.0)))
    return took, rss


def _config(site: Path, on: bool) -> Path:
    """The sample's mkdocs.yml with share graphics on or off, each with its own cache."""
    text = (site / "mkdocs.yml").read_text(encoding="utf-8")
    cache = ".cache/cards" if on else ".cache/plain"
    text, found = re.subn(
        r"^(\s*)cache_dir: .*$",
        rf"\1cache_dir: {cache}\n\1share_graphics: {'true' if on else 'false'}",
        text,
        count=1,
        flags=re.MULTILINE,
    )
    if not found:
        raise RuntimeError("the sample's mkdocs.yml sets no cache_dir for campaign-site")
    path = site / ("mkdocs-cards.yml" if on else "mkdocs-plain.yml")
    path.write_text(text, encoding="utf-8")
    return path
