"""The build reads every page it wrote and names each link, image, stylesheet, script
and share image that leads nowhere: `build.py --strict` fails on one, a plain build
warns."""

from __future__ import annotations

import re

from PIL import Image

from campaign_site import linkcheck
from petition_api import create_app

from ..conftest import test_settings
from .support import editor_site, run_build

AUTHORS = "authors:\n  staff:\n    name: Campaign staff\n    description: Staff\n    avatar: ''\n"

# A supporter's story as `flask stories publish` wrote it before the photo fix: the
# photo beside the post, named relative to the post's file, not to its address.
PHOTO_STORY = """\
---
date: 2026-12-07
authors: [staff]
description: WIC kept us going.
slug: supporter-story-1
---
# When my daughter was born early

WIC kept us going.

<!-- more -->

<p><img src="2026-12-07-supporter-story-1.jpg" alt="A photo shared by a parent in Ohio"></p>
"""


def a_photo(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), "#4051b5").save(path)


def a_site(tmp_path, pages, blog=False, extra=""):
    """An editor's site; ``extra`` is more of mkdocs.yml (extra_css, extra_javascript)."""
    # Stories told elsewhere: a strict build is not stopped for want of a story page.
    options = {"story_page": "https://example.org/tell/"}
    config = editor_site(tmp_path, pages, blog=blog, options=options)
    if blog:
        (tmp_path / "content" / "stories" / ".authors.yml").write_text(AUTHORS, encoding="utf-8")
    if extra:
        config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return config


def broken_lines(build) -> list[str]:
    return [line for line in build.lines if ": resolves to nothing" in line]


def test_the_sample_campaign_builds_strictly_with_every_link_leading_somewhere(sample_site):
    # sample_site is built with --strict, so it got here only with nothing broken;
    # read again with the address the build wrote into the pages.
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    site_url = re.search(r'<link rel="canonical" href="([^"]+)"', home).group(1)
    assert linkcheck.check(str(sample_site), site_url, "", "site") == []


def test_a_story_photo_named_for_the_post_file_is_caught_on_the_storys_own_page(tmp_path):
    config = a_site(tmp_path, {"stories/posts/2026-12-07-supporter-story-1.md": PHOTO_STORY}, True)
    a_photo(tmp_path / "content" / "stories" / "posts" / "2026-12-07-supporter-story-1.jpg")
    build = run_build(config, tmp_path / "site", "--strict")
    assert build.returncode == 1
    assert (
        "site/stories/2026/12/07/supporter-story-1/index.html: img[src] "
        "2026-12-07-supporter-story-1.jpg: resolves to nothing"
    ) in build.lines, build.output
    assert "build failed: Aborted with a BuildError!" in build.lines


def test_an_editor_breaks_an_image_a_link_a_fragment_a_stylesheet_a_script_and_a_share_image(
    tmp_path,
):
    about = """\
    # About us

    ## Who we are

    <p><img src="team.png" alt="Our team"> <a href="../donate/">Give</a>
    <a href="../about/#who-we-are">This part, in full</a> <a href="#who-we-are">This part</a>
    <a href="#who-we-were">A part that is gone</a></p>
    """
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    # A designer's own share tags, naming a card nobody drew.
    (overrides / "social-meta.html").write_text(
        '<meta property="og:image" content="{{ config.site_url }}assets/card.png">\n',
        encoding="utf-8",
    )
    extra = "extra_css: [assets/brand.css]\nextra_javascript: [assets/brand.js]\n"
    config = a_site(tmp_path, {"about.md": about}, extra=extra)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    build = run_build(config, tmp_path / "site", "--strict")
    assert build.returncode == 1
    found = broken_lines(build)
    assert "site/about/index.html: img[src] team.png: resolves to nothing" in found
    assert "site/about/index.html: a[href] ../donate/: resolves to nothing" in found
    assert "site/about/index.html: a[href] #who-we-were: resolves to nothing" in found
    # On every page: one line, naming a page the editor wrote and counting the rest.
    [css] = [line for line in build.lines if "assets/brand.css" in line]
    assert css == (
        "site/about/index.html: link[href] ../assets/brand.css: resolves to nothing"
        " (and on 2 other pages)"
    )
    assert any("script[src]" in line and "assets/brand.js" in line for line in found)
    assert any(
        "meta[property=og:image] http://127.0.0.1:8000/assets/card.png: resolves to nothing" in line
        for line in found
    )
    assert len(found) == 6, found
    assert "6 link(s) in the built site resolve to nothing:" in build.lines


def test_a_build_without_strict_warns_of_each_broken_target_and_still_builds(tmp_path):
    config = a_site(tmp_path, {"about.md": '# About\n\n<img src="team.png" alt="Our team">\n'})
    build = run_build(config, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert (
        "WARNING: campaign_site: site/about/index.html: img[src] team.png: resolves to nothing"
        in build.lines
    )
    assert (tmp_path / "site" / "about" / "index.html").is_file()


def test_links_that_are_not_files_of_the_site_are_left_alone(tmp_path):
    page = """\
    # Links

    ## Part

    <p><a href="https://example.org/elsewhere/">another site</a>
    <a href="mailto:team@example.org">mail</a> <a href="tel:+15555550100">call</a>
    <a href="/api/petitions/wic">the API</a> <a href="/confirm/abc">a confirm page</a>
    <a href="/admin/">the staff console</a> <a href="/donate/">the organisation's page</a>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
    <a href="javascript:void(0)">script</a> <a href="#top">top</a>
    <a href="#">nowhere in particular</a></p>
    """
    # The site lives under /campaign/: /donate/ on the same host is someone else's.
    config = a_site(tmp_path, {"links.md": page})
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("8000/", "8000/campaign/"), encoding="utf-8")
    build = run_build(config, tmp_path / "site", "--strict")
    assert build.returncode == 0, build.output


def test_links_a_browser_follows_to_a_file_of_the_site_all_resolve(tmp_path):
    page = """\
    # Photos

    ## The march

    <p><img src="our%20march.png" alt="The march">
    <img src="small.png" srcset="small.png 1x, large.png 2x" alt="The march, smaller">
    <picture><source srcset="large.png 800w,small.png 400w"><img src="small.png" alt=""></picture>
    <img srcset="data:image/gif;base64,R0lGODlhAQABAAAAACw= 1x, small.png 2x" alt="">
    <a href="../about">About, without its slash</a> <a href="/">Home</a>
    <a href="http://127.0.0.1:8000/about/?utm_source=x#who">About, in full</a>
    <a href="../photos/#the-march">This part</a> <a href="./">This page</a>
    <a href="?page=2">This page with a query</a></p>
    """
    config = a_site(tmp_path, {"photos.md": page, "about.md": "# About\n\n## Who\n"})
    for name in ("our march.png", "small.png", "large.png"):
        a_photo(tmp_path / "content" / "photos" / name)
    build = run_build(config, tmp_path / "site", "--strict")
    assert build.returncode == 0, build.output


def test_every_path_the_api_answers_is_one_the_link_check_leaves_to_it(tmp_path):
    app = create_app(test_settings(f"sqlite:///{tmp_path / 'api.db'}", tmp_path))
    served = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert served, "the app has routes"
    prefixes = tuple(f"/{path}" for path in linkcheck.API_PATHS)
    assert sorted(path for path in served if not path.startswith(prefixes)) == []
    assert sorted(p for p in prefixes if not any(r.startswith(p) for r in served)) == []


def test_an_editors_own_thank_you_page_is_not_reported_missing_from_the_menus(tmp_path):
    pages = {
        "stories/tell.md": "---\nstory_form: true\n---\n# Tell us your story\n",
        "stories/tell/thanks.md": "# Thank you\n\nCheck your email to confirm your story.\n",
        "forgotten.md": "# A page nobody added to the menus\n",
    }
    config = a_site(tmp_path, pages, extra="nav:\n  - index.md\n  - stories/tell.md\n")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("https://example.org/tell/", "stories/tell/"))
    build = run_build(config, tmp_path / "site", quiet=False)
    assert build.returncode == 0, build.output
    omitted = build.output.split('not included in the "nav" configuration:', 1)[1]
    assert "forgotten.md" in omitted and "thanks.md" not in omitted, build.output
    assert (tmp_path / "site" / "stories" / "tell" / "thanks" / "index.html").is_file()
