"""Build the sample campaign or a small site of an editor's own, as build.py does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

# The sample's copy, shared with the benchmarks; the tests import it from here.
from sample_campaign import NotACheckout as NotACheckout
from sample_campaign import copy_sample as copy_sample

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "campaign-site"

FIXTURE_CONFIG = """\
site_name: Fixture campaign
site_url: http://127.0.0.1:8000/
docs_dir: content
theme:
  name: material
  font: false
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


def run_build(
    config: Path,
    site_dir: Path,
    *options: str,
    cache: bool = False,
    quiet: bool = True,
    material_version: str | None = None,
    **plugin_options,
) -> Build:
    """Run build.py; pictures drawn afresh unless ``cache`` is true, INFO shown unless ``quiet``.

    ``plugin_options`` change the campaign-site options of a copy of the
    config; ``material_version`` is the mkdocs-material version the build sees.
    """
    if not cache:
        plugin_options.setdefault("cache_dir", "")
    if plugin_options:
        copy = site_dir.with_name(site_dir.name + ".yml")
        config = with_plugin_options(config, copy, **plugin_options)
    command = [sys.executable, str(ROOT / "build.py")]
    if material_version:
        command[1:1] = ["-c", _build_seeing(material_version)]
    result = subprocess.run(
        [*command, "--config", str(config), "--site-dir", str(site_dir), *options]
        + (["--quiet"] if quiet else []),
        capture_output=True,
        text=True,
        cwd=config.parent,
        timeout=300,
    )
    return Build(result.returncode, result.stdout + result.stderr, site_dir)


def _build_seeing(material_version: str) -> str:
    """Python running build.py (its path: the first argument) seeing that mkdocs-material."""
    return textwrap.dedent(f"""\
        import runpy, sys
        from importlib import metadata
        real = metadata.version
        metadata.version = (
            lambda name: {material_version!r} if name == "mkdocs-material" else real(name)
        )
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")
        """)


def with_plugin_options(config: Path, copy: Path, **options) -> Path:
    """Write ``config`` to ``copy`` with the campaign-site plugin's ``options`` changed."""
    with config.open(encoding="utf-8") as handle:
        data = yaml_load(handle)
    here = config.parent
    data["docs_dir"] = str(here / data.get("docs_dir", "docs"))
    plugins = data["plugins"]  # each a name, or {name: options}
    [at] = [i for i, entry in enumerate(plugins) if _name(entry) == PLUGIN]
    merged = {**(plugins[at][PLUGIN] or {} if isinstance(plugins[at], dict) else {}), **options}
    if merged.get("cache_dir"):
        merged["cache_dir"] = str(here / merged["cache_dir"])
    plugins[at] = {PLUGIN: merged}
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy


def _name(plugin_entry) -> str:
    return plugin_entry if isinstance(plugin_entry, str) else next(iter(plugin_entry))


def editor_site(
    tmp_path: Path, pages: dict[str, str], blog: bool = False, options: dict | None = None
) -> Path:
    """Write mkdocs.yml and content/ with ``pages`` (path -> text); return the config.

    ``options`` are the campaign-site plugin's, as an editor would write them.
    """
    plugins = ["  - search"]
    if blog:
        plugins.append("  - blog:\n      blog_dir: stories")
    plugins.append(f"  - {PLUGIN}: {json.dumps(options or {})}")
    (tmp_path / "mkdocs.yml").write_text(
        FIXTURE_CONFIG.format(plugins="\n".join(plugins)), encoding="utf-8"
    )
    for path, text in pages.items():
        target = tmp_path / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    if "index.md" not in pages:
        (tmp_path / "content").mkdir(exist_ok=True)
        (tmp_path / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    return tmp_path / "mkdocs.yml"
