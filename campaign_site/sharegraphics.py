"""Every page's share graphics, as files of the built site, and each page's og:image.

The plugin plans them in ``on_files`` (a petition's, each chart's, each
published story's, in sharefiles.FORMATS_OF) at sharefiles.graphic_path,
takes those drawn before from drawcache, and draws the rest in a process
pool while MkDocs converts the pages' Markdown; ``finish`` (``on_env``, before
MkDocs writes any file) collects them, drawing what the pool has not started
in this process too. A build with few to draw draws them here and now.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.structure.files import File, Files

from . import checks, drawcache, graphics, look, sharetext, variantpages
from .sharefiles import FORMATS, FORMATS_OF, graphic_path

DEFAULT_SHARE_IMAGE = "assets/share.png"
POOL_FROM = 24  # graphics to draw before a process pool pays for itself


@dataclass(frozen=True)
class OgImage:
    path: str  # from the site's root
    width: int | None
    height: int | None
    alt: str


@dataclass
class _Job:
    file: File
    graphic: graphics.Graphic
    fmt: str
    future: Future | None = None


class ShareGraphics:
    def __init__(self, config, pictures: Path | None):
        self.config = config
        self.pictures = pictures
        self.look = _look(config)
        self.og: dict[str, OgImage] = {}
        self.alts: dict[str, str] = {}  # each graphic's path -> its alt text
        self._jobs: list[_Job] = []
        self._files: list[File] = []
        self._pool: ProcessPoolExecutor | None = None
        self.drawn = self.cached = 0

    def plan(self, files: Files, content: checks.Content, site: checks.Site, on: bool) -> None:
        address = self._address("")
        card = graphics.SiteGraphic(self.config.site_description or self.config.site_name, address)
        self.default = self._add(files, DEFAULT_SHARE_IMAGE, card, "card", None)
        if not on:
            return
        for petition in content.petitions:
            share = _share(content, petition.page)
            headline = share.get("headline") or petition.title
            graphic = graphics.PetitionGraphic(
                headline, petition.goal, self._address(petition.page, files)
            )
            self._page(files, petition.page, "petition", graphic, share)
            self.og[checks.thanks_page(petition.page)] = self.og[petition.page]
            self._variants(files, petition)
        for src_uri, drawn in content.charts.items():
            for number, item in enumerate(drawn):
                graphic = graphics.StatisticGraphic(
                    item.chart, tuple(item.labels), tuple(map(tuple, item.series)),
                    item.headline_number, item.headline, self._address(src_uri, files),
                )  # fmt: skip
                chart = item.chart.id
                self._page(
                    files, src_uri, "statistic", graphic, _share(content, src_uri), chart, number
                )

    def plan_stories(self, files: Files, content: checks.Content, site: checks.Site) -> None:
        """After the blog plugin has given each story its address (which the graphic
        shows), then every drawing starts."""
        for src_uri, (quote, photo) in content.story_shares.items():
            told = content.meta[src_uri].get("supporter_story")
            picture = (site.docs_dir / photo).read_bytes() if photo else None
            graphic = graphics.StoryGraphic(
                quote, sharetext.teller(told), self._address(src_uri, files), picture
            )
            self._page(files, src_uri, "story", graphic, _share(content, src_uri))
        self._start()

    def keep_in_place(self) -> None:
        """Each graphic at its sharefiles address: the blog plugin takes ``posts/`` out of
        the address of every file in its posts folder, a story's graphics too."""
        for file in self._files:
            if file.dest_uri != file.src_uri:
                file.dest_uri = file.src_uri
                file.abs_dest_path = os.path.join(self.config.site_dir, file.dest_path)
                file.url = file.src_uri

    def finish(self) -> None:
        """Every graphic's bytes in its file: the pool's, and those it had not started."""
        for job in reversed(self._jobs):
            if job.future is None or job.future.cancel():
                job.file.content_bytes = self._draw(job)
        for job in self._jobs:
            if job.future is not None and not job.future.cancelled():
                job.file.content_bytes = job.future.result()
                drawcache.keep(
                    self.pictures, (job.graphic, job.fmt, self.look), ".png", job.file.content_bytes
                )
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def summary(self) -> str:
        return f"share graphics: {self.drawn} drawn, {self.cached} from the cache"

    # ------------------------------------------------------------------

    def _page(self, files, src_uri, kind, graphic, share, chart=None, number=0, at=None) -> None:
        """``at``: the page's address as a file, when not ``src_uri`` (a variant's)."""
        for fmt in FORMATS_OF[kind]:
            og = self._add(files, graphic_path(at or src_uri, fmt, chart), graphic, fmt, share)
            if fmt == "card" and number == 0:
                self.og[src_uri] = og

    def _variants(self, files: Files, petition: checks.Petition) -> None:
        """Each variant's own graphics, in its page's folder (<page>/v/<name>/share/), with
        its words and the petition page's address (the one a reader keeps)."""
        for variant in petition.variants:
            graphic = graphics.PetitionGraphic(
                variant.graphic_headline, petition.goal, self._address(petition.page, files)
            )
            source = variantpages.source(petition.page, variant.name)
            at = variantpages.address_source(petition.page, variant.name)
            share = {"alt": variant.share_alt}
            self._page(files, source, "petition", graphic, share, at=at)

    def _add(self, files: Files, path: str, graphic, fmt: str, share: dict | None) -> OgImage:
        kept = drawcache.cached_file(self.pictures, (graphic, fmt, self.look), ".png")
        if kept is None:
            file = File.generated(self.config, path, content=b"")  # drawn by finish
            self._jobs.append(_Job(file, graphic, fmt))
        else:
            file = _Kept.generated(self.config, path, abs_src_path=str(kept))
            self.cached += 1
        files.append(file)
        self._files.append(file)
        alt = (share or {}).get("alt") or graphics.alt_text(graphic, self.look)
        self.alts[path] = alt
        return OgImage(path, *FORMATS[fmt], alt)

    def _start(self) -> None:
        if len(self._jobs) < POOL_FROM:
            return
        workers = max(1, (os.cpu_count() or 1) - 1)  # this process keeps building pages
        # fork: the workers start with this process's modules loaded (matplotlib too).
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        for job in self._jobs:
            job.future = self._pool.submit(_draw, job.graphic, job.fmt, self.look)
        self.drawn += len(self._jobs)

    def _draw(self, job: _Job) -> bytes:
        png = _draw(job.graphic, job.fmt, self.look)
        drawcache.keep(self.pictures, (job.graphic, job.fmt, self.look), ".png", png)
        if job.future is None:
            self.drawn += 1
        return png

    def _address(self, src_uri: str, files: Files | None = None) -> str:
        """Host and path, as the graphic shows it small: 127.0.0.1:8000/petitions/wic/."""
        site = urlsplit(self.config.site_url or "/")
        file = files.get_file_from_path(src_uri) if files is not None else None
        url = file.url if file is not None else ""
        return f"{site.netloc}{site.path or '/'}{'' if url == './' else url}"


class _Kept(File):
    """A graphic drawn by an earlier build, hard-linked from the cache into the site:
    copying 3,000 of them (100 MB) took as long as everything else graphics add to a
    warm build. A folder that cannot link (another file system) gets a copy. The link
    shares the cache's file, so a tool that rewrites site/ files in place would change
    the cache too: docs/pages/writing.md says to clear it after one."""

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        output = self.abs_dest_path
        os.makedirs(os.path.dirname(output), exist_ok=True)
        if os.path.lexists(output):
            os.remove(output)  # a dirty build's older file
        try:
            os.link(self.abs_src_path, output)
        except OSError:
            super().copy_file(dirty)


def _draw(graphic: graphics.Graphic, fmt: str, look_: graphics.Look) -> bytes:
    return graphics.draw(graphic, fmt, look_).png


def _share(content: checks.Content, src_uri: str) -> dict:
    return content.meta.get(src_uri, {}).get("share") or {}


def _look(config) -> graphics.Look:
    colours = look.palette_colors(config.theme.get("palette")) or {}
    chosen = {k: colours[k] for k in ("primary", "on_primary", "accent") if k in colours}
    logo = config.theme.get("logo")
    path = Path(config.docs_dir, logo) if logo else None
    if path is None or not path.is_file():
        return graphics.Look(config.site_name, **chosen)
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return graphics.Look(config.site_name, **chosen, logo=str(path), logo_digest=digest)
