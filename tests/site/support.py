"""Build the sample campaign or a small site of an editor's own, as build.py does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = ROOT / "mkdocs.yml"

FIXTURE_CONFIG = """\
site_name: Fixture campaign
site_url: http://127.0.0.1:8000/
docs_dir: content
theme:
  name: material
  custom_dir: {root}/campaign_site/theme
  font: false
hooks:
  - {root}/campaign_site/hooks.py
plugins:
{plugins}
"""


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

    @property
    def lines(self) -> list[str]:
        return self.output.splitlines()


def run_build(config: Path, site_dir: Path, *options: str, cache: bool = False) -> Build:
    """Run build.py; pictures are drawn afresh unless ``cache`` is true."""
    env = {**os.environ, "GROUNDSWELL_SITE_CACHE": "on" if cache else "off"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--config",
            str(config),
            "--site-dir",
            str(site_dir),
            "--quiet",
            *options,
        ],
        capture_output=True,
        text=True,
        cwd=config.parent,
        env=env,
        timeout=300,
    )
    return Build(result.returncode, result.stdout + result.stderr, site_dir)


def editor_site(tmp_path: Path, pages: dict[str, str], blog: bool = False) -> Path:
    """Write mkdocs.yml and content/ with ``pages`` (path -> text); return the config."""
    plugins = ["  - search"]
    if blog:
        plugins.append("  - blog:\n      blog_dir: stories")
    (tmp_path / "mkdocs.yml").write_text(
        FIXTURE_CONFIG.format(root=ROOT, plugins="\n".join(plugins)), encoding="utf-8"
    )
    for path, text in pages.items():
        target = tmp_path / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    if "index.md" not in pages:
        (tmp_path / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    return tmp_path / "mkdocs.yml"
