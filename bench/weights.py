"""Page weights: `weight.home` and `weight.petition`, the bytes a page and everything
it loads weigh, of the sample built as build.sample builds it."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from bench.commands import timed
from bench.plumbing import log, sample_site


def page_weight(site: Path, page: Path) -> tuple[int, int, dict[str, int]]:
    """(bytes, gzip bytes, bytes by kind) of a page and everything it loads."""
    import gzip
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(
                (a.get("rel") or "").split()
            ):
                self.found.append(a.get("href") or "")
            elif tag in ("script", "img", "source") and a.get("src"):
                self.found.append(a["src"])

    seen: set[Path] = set()
    kinds: dict[str, int] = {}
    total = compressed = 0
    queue = [page]
    while queue:
        path = queue.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        data = path.read_bytes()
        total += len(data)
        compressed += len(gzip.compress(data, 9))
        kind = {
            ".html": "html",
            ".css": "css",
            ".js": "js",
            ".woff2": "font",
            ".woff": "font",
            ".ttf": "font",
        }.get(path.suffix, "image")
        kinds[kind] = kinds.get(kind, 0) + len(data)
        text = data.decode("utf-8", "replace")
        refs: list[str] = []
        if path.suffix == ".html":
            parser = Links()
            parser.feed(text)
            refs = parser.found
        elif path.suffix == ".css":
            refs = re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", text)
        for ref in refs:
            if not ref or ref.startswith(("http:", "https:", "data:", "//", "#")):
                continue
            ref = ref.split("#")[0].split("?")[0]
            base = site if ref.startswith("/") else path.parent
            queue.append((base / ref.lstrip("/")).resolve())
    return total, compressed, kinds


def bench_weight(workdir: Path, wanted: list[str]) -> list[dict]:
    site = workdir / "site-sample" / "built"  # bench_builds' build.sample, if it ran
    if not site.exists():
        config = sample_site(workdir) / "mkdocs.yml"
        env = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDSWELL_")}
        command = [sys.executable, "build.py", "--config", str(config), "--site-dir", str(site)]
        timed([*command, "--quiet"], env)
    manifest = json.loads((site / "petitions.json").read_text())
    petition_page = manifest["petitions"][0]["page"].strip("/")
    pages = {
        "weight.home": site / "index.html",
        "weight.petition": site / petition_page / "index.html",
    }
    results = []
    for name, page in pages.items():
        if name not in wanted:
            continue
        total, compressed, kinds = page_weight(site, page)
        results.append(
            {
                "name": name,
                "unit": "KB",
                "median": round(total / 1024, 1),
                "min": round(total / 1024, 1),
                "max": round(total / 1024, 1),
                "compressed_kb": round(compressed / 1024, 1),
                "page": "/" + str(page.relative_to(site).parent).strip("."),
                **{f"{k}_kb": round(v / 1024, 1) for k, v in sorted(kinds.items())},
            }
        )
        log(f"{name}: {total / 1024:.1f} KB, {compressed / 1024:.1f} KB gzip, {kinds}")
    return results
