"""An editor's mistakes stop the build with one `file: field: what is wrong` line each."""

from .support import editor_site, run_build

PETITION = """\
---
petition:
  slug: {slug}
  title: Fund WIC
  ask: Fund WIC in full.
  goal: 1000
  target: U.S. Congress
---
# Fund WIC
"""


def build(tmp_path, pages, **options):
    return run_build(editor_site(tmp_path, pages, **options), tmp_path / "site")


def test_an_editor_misspells_a_front_matter_key(tmp_path):
    result = build(tmp_path, {"about.md": "---\ntitel: About us\n---\n# About\n"})
    assert result.returncode != 0
    assert any(line.startswith("content/about.md: titel: unknown key") for line in result.lines)


def test_an_editor_forgets_the_petition_goal(tmp_path):
    page = PETITION.format(slug="wic").replace("  goal: 1000\n", "")
    result = build(tmp_path, {"petitions/wic.md": page})
    assert result.returncode != 0
    assert "content/petitions/wic.md: petition.goal: required but missing" in result.lines


def test_an_editor_writes_a_goal_that_is_not_a_number(tmp_path):
    page = PETITION.format(slug="wic").replace("goal: 1000", "goal: lots")
    result = build(tmp_path, {"petitions/wic.md": page})
    assert (
        "content/petitions/wic.md: petition.goal: expected a whole number above 0, got 'lots'"
        in (result.lines)
    )


def test_an_editor_declares_the_same_petition_slug_twice(tmp_path):
    result = build(
        tmp_path,
        {
            "petitions/a.md": PETITION.format(slug="wic"),
            "petitions/b.md": PETITION.format(slug="wic"),
        },
    )
    assert result.returncode != 0
    assert (
        "content/petitions/b.md: petition.slug: 'wic' is already declared in petitions/a.md"
        in result.lines
    )


def test_an_editor_closes_a_petition_before_it_opens(tmp_path):
    page = PETITION.format(slug="wic").replace(
        "  target: U.S. Congress\n",
        "  target: U.S. Congress\n  opens: 2027-01-01\n  closes: 2026-12-01\n",
    )
    result = build(tmp_path, {"petitions/wic.md": page})
    assert "content/petitions/wic.md: petition.closes: 2026-12-01 is before opens (2027-01-01)" in (
        result.lines
    )


CHART = """\
---
charts:
  wic:
    data: {data}
    kind: line
    x: year
    y: {column}
    title: WIC participation
    alt: A line going down, then up.
    headline_number: "6.6 million"
    y_label: Participants (millions)
---
# WIC
"""


def test_an_editor_points_a_chart_at_a_csv_that_does_not_exist(tmp_path):
    page = CHART.format(data="data/missing.csv", column="people")
    result = build(tmp_path, {"stats.md": page})
    assert result.returncode != 0
    assert "content/stats.md: charts.wic.data: no CSV file at data/missing.csv" in result.lines


def test_an_editor_names_a_column_the_csv_does_not_have(tmp_path):
    page = CHART.format(data="wic.csv", column="people")
    result = build(tmp_path, {"stats.md": page, "wic.csv": "year,participants\n2023,6.6\n"})
    assert result.returncode != 0
    assert (
        "content/stats.md: charts.wic.y: no column 'people' in wic.csv "
        "(columns: participants, year)" in result.lines
    )


def test_an_editor_leaves_out_a_charts_alt_text(tmp_path):
    page = CHART.format(data="wic.csv", column="participants").replace(
        "    alt: A line going down, then up.\n", ""
    )
    result = build(tmp_path, {"stats.md": page, "wic.csv": "year,participants\n2023,6.6\n"})
    assert "content/stats.md: charts.wic.alt: required but missing" in result.lines


def test_an_editor_links_to_a_page_that_does_not_exist(tmp_path):
    page = "# About\n\nRead [the privacy notice](privacy.md) and [home](index.md).\n"
    result = build(tmp_path, {"about.md": page})
    assert result.returncode != 0
    assert "content/about.md: links: line 3: 'privacy.md' points to no page or file" in (
        result.lines
    )


def test_an_editor_links_to_a_petitions_thank_you_page(tmp_path):
    page = "# About\n\nAfter signing you see [this page](petitions/wic/thanks.md).\n"
    result = build(tmp_path, {"about.md": page, "petitions/wic.md": PETITION.format(slug="wic")})
    assert result.returncode == 0, result.output


def test_an_editor_writes_a_story_without_a_date_or_author(tmp_path):
    story = "---\ndescription: A story.\n---\n# A story\n"
    result = build(
        tmp_path,
        {"stories/index.md": "# Stories\n", "stories/posts/story.md": story},
        blog=True,
    )
    assert result.returncode != 0
    assert "content/stories/posts/story.md: date: required but missing" in result.lines
    assert "content/stories/posts/story.md: authors: required but missing" in result.lines


def test_a_closed_petition_shows_no_form(tmp_path):
    page = PETITION.format(slug="wic").replace(
        "  target: U.S. Congress\n", "  target: U.S. Congress\n  closes: 2020-01-31\n"
    )
    result = build(tmp_path, {"petitions/wic.md": page})
    assert result.returncode == 0, result.output
    html = (result.site / "petitions" / "wic" / "index.html").read_text(encoding="utf-8")
    assert "This petition closed on January 31, 2020" in html
    assert "data-gs-petition" not in html


def test_an_editor_points_the_form_at_an_api_on_another_host(tmp_path):
    pages = {"petitions/wic.md": PETITION.format(slug="wic")}
    options = {"api_base": "https://petitions.example.org/"}
    result = build(tmp_path, pages, options=options)
    html = (result.site / "petitions" / "wic" / "index.html").read_text(encoding="utf-8")
    assert 'action="https://petitions.example.org/api/petitions/wic/signatures"' in html
    assert 'data-gs-api="https://petitions.example.org"' in html


def test_an_editor_keeps_api_base_where_it_used_to_be_and_is_told_where_it_went(tmp_path):
    config = editor_site(tmp_path, {"petitions/wic.md": PETITION.format(slug="wic")})
    with open(config, "a", encoding="utf-8") as handle:
        handle.write("extra:\n  api_base: https://petitions.example.org/\n")
    result = run_build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "extra.api_base: moved to the campaign-site plugin's own option" in result.output
    assert not (tmp_path / "site" / "petitions").exists()


def test_an_editor_gives_a_plugin_option_the_wrong_type(tmp_path):
    result = build(tmp_path, {}, options={"shortcuts": "sometimes"})
    assert result.returncode != 0
    assert any(
        "campaign-site" in line and "'shortcuts'" in line and "bool" in line
        for line in result.lines
    ), result.output
    assert not (tmp_path / "site" / "index.html").exists()


def test_an_editor_sees_every_mistake_in_one_run(tmp_path):
    result = build(
        tmp_path,
        {
            "about.md": "---\ncolour: red\n---\n# About\n\n[Nowhere](nowhere.md)\n",
            "petitions/a.md": PETITION.format(slug="Not A Slug"),
        },
    )
    problems = [line for line in result.lines if line.startswith("content/")]
    assert len(problems) == 3, result.output
    assert not (tmp_path / "site" / "index.html").exists()


def test_an_editors_mistake_leaves_the_running_site_as_it_was(tmp_path):
    """The site `make run` serves keeps working while an editor fixes a mistake."""
    config = editor_site(tmp_path, {"petitions/wic.md": PETITION.format(slug="wic")})
    site = tmp_path / "site"
    assert run_build(config, site).returncode == 0
    before = sorted(path.relative_to(site) for path in site.rglob("*"))
    page = tmp_path / "content" / "petitions" / "wic.md"
    page.write_text(PETITION.format(slug="wic").replace("  goal: 1000\n", ""), encoding="utf-8")
    result = run_build(config, site)
    assert result.returncode != 0
    assert "content/petitions/wic.md: petition.goal: required but missing" in result.lines
    assert sorted(path.relative_to(site) for path in site.rglob("*")) == before
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".site")]
