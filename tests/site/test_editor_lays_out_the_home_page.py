"""An editor puts the petition cards and a featured story on the home page."""

import textwrap

from .support import editor_site, run_build

HOME = """\
# Home

<!-- petition cards -->

<!-- featured story -->
"""
AUTHORS = (
    "authors:\n  ana:\n    name: Ana Ruiz\n    description: Organizer\n"
    "    avatar: stories/ana.svg\n"
)
AVATAR = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'


def petition(slug: str, **dates) -> str:
    extra = "".join(f"  {key}: {value}\n" for key, value in dates.items())
    return (
        textwrap.dedent(f"""\
        ---
        description: Why {slug} matters, in a sentence.
        petition:
          slug: {slug}
          title: The {slug} petition
          ask: Do the {slug} thing.
          goal: 2500
          target: The City Council
        """)
        + extra
        + f"---\n# The {slug} petition\n"
    )


def story(day: str, title: str, featured: str | None = None) -> str:
    flag = f"featured: {featured}\n" if featured is not None else ""
    return (
        f"---\ndate: {day}\nauthors: [ana]\ndescription: About {title}.\n{flag}---\n"
        f"# {title}\n\nThe story.\n"
    )


def build(tmp_path, pages: dict[str, str]):
    pages = {"index.md": HOME, "stories/index.md": "# Stories\n", **pages}
    config = editor_site(tmp_path, pages, blog=True)
    (tmp_path / "content" / "stories" / ".authors.yml").write_text(AUTHORS, encoding="utf-8")
    (tmp_path / "content" / "stories" / "ana.svg").write_text(AVATAR, encoding="utf-8")
    return run_build(config, tmp_path / "site")


def home(result) -> str:
    assert result.returncode == 0, result.output
    return (result.site / "index.html").read_text(encoding="utf-8")


def test_the_cards_put_open_petitions_first_and_say_when_each_opens_or_closed(tmp_path):
    result = build(
        tmp_path,
        {
            "petitions/closed.md": petition("closed", opens="2020-01-01", closes="2020-06-30"),
            "petitions/later.md": petition("later", opens="2999-01-01"),
            "petitions/now.md": petition("now"),
        },
    )
    html = home(result)
    assert "<!-- petition cards -->" not in html
    order = [html.index(f"The {slug} petition</a>") for slug in ("now", "later", "closed")]
    assert order == sorted(order)
    assert "Why now matters, in a sentence." in html and "To The City Council" in html
    assert html.count("Goal: 2,500 signatures") == 3  # what a reader without JavaScript sees
    assert 'data-gs-count-of="now"' in html
    assert "Opens for signatures on January 1, 2999" in html
    assert "Closed on June 30, 2020" in html
    assert html.count(">Sign the petition</a>") == 1  # only the open one asks for signatures


def test_the_newest_story_marked_featured_is_the_one_shown(tmp_path):
    result = build(
        tmp_path,
        {
            "stories/posts/old.md": story("2026-01-05", "An older story", featured="true"),
            "stories/posts/new.md": story("2026-03-01", "The newest story"),
            "stories/posts/mid.md": story("2026-02-01", "A story in between", featured="false"),
        },
    )
    html = home(result)
    featured = html[html.index('class="gs-featured"') :]
    assert "An older story</a>" in featured and "About An older story." in featured
    assert "January 5, 2026 · Ana Ruiz" in featured
    assert "The newest story" not in featured


def test_without_a_mark_the_newest_story_is_featured(tmp_path):
    result = build(
        tmp_path,
        {
            "stories/posts/old.md": story("2026-01-05", "An older story"),
            "stories/posts/new.md": story("2026-03-01", "The newest story"),
        },
    )
    featured = home(result)[home(result).index('class="gs-featured"') :]
    assert "The newest story</a>" in featured


def test_a_featured_that_is_not_true_or_false_stops_the_build_naming_file_and_field(tmp_path):
    result = build(tmp_path, {"stories/posts/new.md": story("2026-03-01", "A story", "yes please")})
    assert result.returncode != 0
    assert (
        "content/stories/posts/new.md: featured: expected true or false, got 'yes please'"
        in result.lines
    )


def test_a_home_page_with_nothing_to_show_shows_nothing(tmp_path):
    html = home(build(tmp_path, {}))
    assert "gs-cards" not in html and "gs-featured" not in html
    assert "<!-- featured story -->" not in html
