"""Look at a page the way a person would, at a phone's width and a desktop's.

``look_at`` is what every browser test that says "the page looks right" uses:
no horizontal scroll, every image loaded, axe finds nothing serious, and a
full-page screenshot kept under ``test-artifacts/pages/`` for anyone to open.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (360, 1280)

_OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll('body *')].filter(element => {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) return false;
    // Inside a box that scrolls on its own (a wide table), overflow is intended.
    for (let up = element.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) {
        if (up.getBoundingClientRect().right <= width + 0.5) return false;
      }
    }
    return true;
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    over: over.slice(0, 5).map(e => e.tagName.toLowerCase()
      + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string'
      ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
      + ' right=' + Math.round(e.getBoundingClientRect().right)),
  };
}"""

_BROKEN_IMAGES = """() => [...document.images]
  .filter(image => !image.complete || image.naturalWidth === 0)
  .map(image => image.currentSrc || image.src)"""


def no_horizontal_scroll(page) -> None:
    found = page.evaluate(_OVERFLOWING)
    assert found["scrollWidth"] <= found["width"], f"the page scrolls sideways: {found}"


# A lazy image far below the fold never starts loading, so its decode() never settles
# and an evaluate waiting on it never returns (the share box's thumbnails hung a whole
# run): each is asked to load now, as scrolling would, and waited for at most 10 s;
# one still not loaded then is reported by _BROKEN_IMAGES.
_LOAD_LAZY_IMAGES = """async () => {
  const lazy = [...document.images].filter(image => image.loading === 'lazy');
  const loaded = image => Promise.race([
    image.decode().catch(() => null),
    new Promise(resolve => setTimeout(resolve, 10000)),
  ]);
  lazy.forEach(image => { image.loading = 'eager'; });
  await Promise.all(lazy.map(loaded));
}"""


def load_every_image(page) -> None:
    """Every image on the page loaded, the lazy ones too, wherever they sit."""
    page.evaluate(_LOAD_LAZY_IMAGES)


def every_image_loads(page) -> None:
    load_every_image(page)
    broken = page.evaluate(_BROKEN_IMAGES)
    assert broken == [], f"images that did not load: {broken}"


def no_serious_accessibility_problems(page) -> None:
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(
        [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in serious], indent=1
    )


def screenshot(page, name: str, folder: str = "pages") -> Path:
    target = ARTIFACTS / folder / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


def look_at(page, url: str, name: str, widths=WIDTHS, ready: str | None = None) -> None:
    """Open ``url`` at each width and check what a person sees; keep a screenshot of each.

    ``ready`` is a selector to wait for before looking (a counter filled in, say).
    """
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800 if width < 600 else 900})
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if ready:
            page.wait_for_selector(ready)
        no_horizontal_scroll(page)
        every_image_loads(page)
        no_serious_accessibility_problems(page)
        screenshot(page, f"{name}-{width}")
