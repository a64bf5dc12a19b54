"""An editor's statistics charts: honest axes, words from the front matter, two drawings.

Matplotlib draws a chart's text as outlines and names each line of it in an
XML comment before the outline; ``words`` reads those comments, which is
every word a reader sees in the picture.
"""

from __future__ import annotations

import re

from campaign_site import charts

from .support import editor_site, run_build

PAGE = """\
---
charts:
  wic:
    data: wic.csv
    kind: {kind}
{options}
    title: WIC participation, 2019-2023
    alt: Participation fell, then rose.
    headline_number: "6.6 million"
---
# WIC

<!-- chart: wic -->
"""
CSV = "fiscal_year,participants_millions\n2019,6.4\n2020,6.2\n2021,6.2\n2022,6.3\n2023,6.6\n"
TWO_SERIES_CSV = "fiscal_year,served,eligible\n2021,6.2,12.1\n2022,6.3,12.4\n2023,6.6,12.2\n"


def build(tmp_path, kind="line", csv=CSV, **options):
    options.setdefault("x", "fiscal_year")
    options.setdefault("y", "participants_millions")
    options.setdefault("y_label", "Average monthly participants (millions)")
    lines = "\n".join(f"    {key}: {value}" for key, value in options.items() if value is not None)
    page = PAGE.format(kind=kind, options=lines)
    tmp_path.mkdir(parents=True, exist_ok=True)
    return run_build(editor_site(tmp_path, {"stats.md": page, "wic.csv": csv}), tmp_path / "site")


def drawn(result, variant=""):
    assert result.returncode == 0, result.output
    return (result.site / "stats" / f"wic{variant}.svg").read_text(encoding="utf-8")


def words(svg: str) -> list[str]:
    return re.findall(r"<!-- (.*?) -->", svg)


def page(result) -> str:
    return (result.site / "stats" / "index.html").read_text(encoding="utf-8")


def value_axis_labels(svg: str) -> list[float]:
    """The numbers along the value axis (the years along the bottom left out)."""
    numbers = [word.replace("\N{MINUS SIGN}", "-").replace(",", "") for word in words(svg)]
    numbers = [word for word in numbers if re.fullmatch(r"-?[\d.]+", word)]
    return [float(word) for word in numbers if not re.fullmatch(r"20\d\d", word)]


def test_an_editor_asks_for_bars_that_do_not_start_at_zero(tmp_path):
    result = build(tmp_path, kind="bar", y_from_zero="false")
    assert result.returncode != 0
    assert (
        "content/stats.md: charts.wic.y_from_zero: bars always start at zero (a bar's length "
        "is its value); remove y_from_zero, or use kind: line to show a small change"
    ) in result.lines


def test_a_bar_charts_value_axis_starts_at_zero(tmp_path):
    result = build(tmp_path, kind="bar")
    for variant in ("", ".narrow"):
        svg = drawn(result, variant)
        assert min(value_axis_labels(svg)) == 0
        assert charts.NOT_FROM_ZERO not in words(svg)


def test_a_line_starts_at_zero_unless_the_editor_says_otherwise(tmp_path):
    svg = drawn(build(tmp_path / "default"))
    assert min(value_axis_labels(svg)) == 0
    assert charts.NOT_FROM_ZERO not in words(svg)

    zoomed = build(tmp_path / "zoomed", y_from_zero="false")
    for variant in ("", ".narrow"):
        svg = drawn(zoomed, variant)
        assert 0 < min(value_axis_labels(svg)) <= 6.2
        assert charts.NOT_FROM_ZERO in words(svg)


def test_a_line_of_figures_below_zero_says_its_axis_does_not_reach_zero(tmp_path):
    csv = "fiscal_year,participants_millions\n2022,-6.4\n2023,-6.1\n"
    assert max(value_axis_labels(drawn(build(tmp_path / "default", csv=csv)))) == 0
    svg = drawn(build(tmp_path / "zoomed", csv=csv, y_from_zero="false"))
    assert max(value_axis_labels(svg)) < 0
    assert charts.NOT_UP_TO_ZERO in words(svg) and charts.NOT_FROM_ZERO not in words(svg)


def test_a_line_left_off_zero_that_crosses_zero_anyway_needs_no_warning(tmp_path):
    csv = "fiscal_year,participants_millions\n2022,-1.5\n2023,2.5\n"
    svg = drawn(build(tmp_path, csv=csv, y_from_zero="false"))
    assert charts.NOT_FROM_ZERO not in words(svg)


def test_the_chart_shows_the_editors_axis_titles_and_never_a_column_name(tmp_path):
    result = build(tmp_path, x_label="Fiscal year")
    for svg in (drawn(result), drawn(result, ".narrow")):
        shown = " ".join(words(svg))
        assert "Average monthly participants (millions)" in shown
        assert "Fiscal year" in shown
        assert "fiscal_year" not in shown and "participants_millions" not in shown
    html = page(result)
    assert "fiscal_year" not in html and "participants_millions" not in html
    assert '<th scope="col">Fiscal year</th>' in html


def test_without_an_x_label_the_bottom_axis_has_no_title(tmp_path):
    result = build(tmp_path)
    shown = words(drawn(result))
    assert "fiscal_year" not in " ".join(shown)
    assert shown[:5] == ["2019", "2020", "2021", "2022", "2023"]  # the labels, then the values
    assert "<thead><tr><td></td>" in page(result)  # the table's corner stays empty too


def test_an_editor_leaves_out_the_value_axis_title(tmp_path):
    result = build(tmp_path, y_label=None)
    assert result.returncode != 0
    assert "content/stats.md: charts.wic.y_label: required but missing" in result.lines


def test_the_title_is_shown_once_and_the_source_apart_from_it(tmp_path):
    result = build(
        tmp_path,
        source="USDA Food and Nutrition Service, WIC Program Data",
        source_url="https://www.fns.usda.gov/pd/wic-program",
    )
    html = page(result)
    # Once in the figure; the share box under it quotes it in the post to copy.
    figure = html[html.index('<figure class="gs-chart"') : html.index("</figure>")]
    assert figure.count("WIC participation, 2019-2023") == 1
    assert (
        '<figcaption class="gs-chart__title" id="chart-wic-title">WIC participation, '
        "2019-2023</figcaption>"
    ) in html
    assert (
        '<p class="gs-chart__source">Source: <a href="https://www.fns.usda.gov/pd/wic-program">'
        "USDA Food and Nutrition Service, WIC Program Data</a></p>"
    ) in html
    assert '<table aria-labelledby="chart-wic-title">' in html  # named by the one title
    for svg in (drawn(result), drawn(result, ".narrow")):
        assert "WIC participation" not in " ".join(words(svg))


def test_an_editor_links_a_source_badly(tmp_path):
    result = build(tmp_path, source_url="javascript:alert(1)")
    assert (
        "content/stats.md: charts.wic.source_url: expected an address like "
        "https://www.bls.gov/ebs/, got 'javascript:alert(1)'"
    ) in result.lines
    result = build(tmp_path / "unnamed", source_url="https://www.fns.usda.gov/pd/wic-program")
    assert (
        "content/stats.md: charts.wic.source_url: a link needs the source's name in source:"
    ) in result.lines


def test_two_series_get_a_legend_with_the_editors_names(tmp_path):
    result = build(
        tmp_path,
        csv=TWO_SERIES_CSV,
        y="{served: People served, eligible: People eligible}",
        y_label="Millions of people",
    )
    for svg in (drawn(result), drawn(result, ".narrow")):
        assert '<g id="legend_1">' in svg
        shown = words(svg)
        assert "People served" in shown and "People eligible" in shown
    html = page(result)
    assert '<th scope="col">People served</th><th scope="col">People eligible</th>' in html
    assert '<tr><th scope="row">2021</th><td>6.2</td><td>12.1</td></tr>' in html


def test_one_series_has_no_legend(tmp_path):
    assert '<g id="legend_1">' not in drawn(build(tmp_path))


def test_an_editor_draws_two_series_without_naming_them(tmp_path):
    result = build(tmp_path, csv=TWO_SERIES_CSV, y="[served, eligible]")
    assert result.returncode != 0
    assert (
        "content/stats.md: charts.wic.y: name each series for the legend (served has no name): "
        "y: {served: ..., eligible: ...}"
    ) in result.lines


def test_an_editor_draws_more_series_than_colours(tmp_path):
    header = "fiscal_year," + ",".join(f"s{i}" for i in range(5))
    names = ", ".join(f"s{i}: Series {i}" for i in range(5))
    result = build(tmp_path, csv=f"{header}\n2023,1,2,3,4,5\n", y=f"{{{names}}}")
    assert "content/stats.md: charts.wic.y: 5 columns; a chart can tell 4 apart" in result.lines


def test_an_editor_gives_a_csv_with_no_figures(tmp_path):
    result = build(tmp_path, csv="fiscal_year,participants_millions\n")
    assert "content/stats.md: charts.wic.data: wic.csv has a header but no rows of figures" in (
        result.lines
    )


def test_the_page_offers_a_narrow_drawing_to_phones(tmp_path):
    result = build(tmp_path)
    html = page(result)
    sizes = {}
    for variant in charts.VARIANTS:
        svg = drawn(result, variant.suffix).encode()
        sizes[variant.name] = charts.svg_size(svg)
        assert sizes[variant.name][0] == variant.width
    narrow_width, narrow_height = sizes["narrow"]
    wide_width, wide_height = sizes["wide"]
    assert (
        f'<picture><source media="(max-width: 599.98px)" srcset="wic.narrow.svg" '
        f'width="{narrow_width}" height="{narrow_height}"><img src="wic.svg" '
        f'alt="Participation fell, then rose." width="{wide_width}" height="{wide_height}" '
        'loading="lazy"></picture>'
    ) in html


def test_the_data_table_keeps_each_columns_decimals(tmp_path):
    csv = "fiscal_year,participants_millions\n2015,8.0\n2016,7.7\n2017,12000\n"
    html = page(build(tmp_path, csv=csv))
    assert "<td>8.0</td>" in html and "<td>7.7</td>" in html and "<td>12,000.0</td>" in html


def test_long_category_names_lie_down_on_a_phone(tmp_path):
    csv = (
        "group,percent\nInfants,78\nPregnant women,46\nPostpartum women,65\n"
        "Children aged 1 to 4,44\n"
    )
    result = build(tmp_path, kind="bar", csv=csv, x="group", y="percent", y_label="Percent")
    wide, narrow = drawn(result), drawn(result, ".narrow")

    def along_the_bottom(svg: str) -> str:  # axis_1 is x, axis_2 is y
        return svg[
            svg.index('<g id="matplotlib.axis_1">') : svg.index('<g id="matplotlib.axis_2">')
        ]

    assert "<!-- Postpartum women -->" in along_the_bottom(wide)
    # On a phone the bars lie down and the categories are read across, one under another.
    assert "<!-- Infants -->" not in along_the_bottom(narrow)
    assert "<!-- Postpartum -->" in narrow and "<!-- women -->" in narrow


def test_crowded_years_are_thinned_on_a_phone_and_all_kept_in_the_table(tmp_path):
    years = range(2014, 2024)
    csv = "fiscal_year,participants_millions\n" + "".join(f"{year},7.0\n" for year in years)
    result = build(tmp_path, csv=csv)
    wide, narrow = words(drawn(result)), words(drawn(result, ".narrow"))
    assert all(str(year) in wide for year in years)
    shown = [year for year in years if str(year) in narrow]
    assert shown == list(years)[1::2] and shown[-1] == 2023  # every other year, to the latest
    html = page(result)
    assert all(f'<th scope="row">{year}</th>' in html for year in years)


def test_an_editor_changes_an_axis_title_and_the_cached_chart_is_drawn_again(tmp_path):
    def build_with(label: str):
        page = PAGE.format(
            kind="line",
            options=f"    x: fiscal_year\n    y: participants_millions\n    y_label: {label}",
        )
        config = editor_site(tmp_path, {"stats.md": page, "wic.csv": CSV})
        return run_build(config, tmp_path / label.replace(" ", "-"), cache=True)

    first = drawn(build_with("Millions of people"))
    second = drawn(build_with("People (millions)"))
    assert "People (millions)" in words(second) and first != second
    again = drawn(build_with("Millions of people"))
    assert again == first
    pictures = tmp_path / ".cache" / "campaign_site" / "pictures"
    assert len(list(pictures.glob("*.svg"))) == 4  # two titles, each wide and narrow
