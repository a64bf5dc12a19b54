"""An organiser asks which version of the page, which source, which post brings signatures.

Simulations with known true rates (seeded) check the report's statistics: its 95%
intervals hold the true rate about 95 times in 100, at large samples it names the
truly best version, and reading it every hour finds false winners far more often
than calling a test once, as the report warns. Then the report itself, in the
terminal, as CSV and at the console, over real views and signatures.
"""

from __future__ import annotations

import csv
import io
import random
import re

import pytest

from petition_api.reports import conversions, statistics
from petition_api.reports.conversions import NOT_ENOUGH, Group
from petition_api.reports.synthetic import draws

from ..conftest import load_congress
from .console_support import console_client
from .support import PETITION
from .test_organiser_reads_the_dashboard import arrive
from .test_visitors_are_counted_not_tracked import PAGE, crowd, look, written

CONFIRMING = 0.8  # the share of signers who confirm, in every simulation


def experiment(seed: int, rates: dict[str, float], views: int) -> list[Group]:
    """One test's counts: `views` views of each version, each signing at its true rate."""
    rng = random.Random(seed)
    groups = []
    for key, rate in rates.items():
        signed = draws(rng, views, rate)
        groups.append(Group(key, views, signed, draws(rng, signed, CONFIRMING)))
    return groups


@pytest.mark.slow
def test_the_95_intervals_hold_the_true_rate_about_95_times_in_100():
    rates = {"": 0.02, "mothers": 0.035, "fathers": 0.05}
    held = total = 0
    for seed in range(400):
        rows, _ = conversions.compare(experiment(seed, rates, 3000), "variant")
        for row in rows:
            true = rates[row.key]
            held += row.signed_rate.covers(true) + row.confirmed_rate.covers(true * CONFIRMING)
            total += 2
    assert total == 2400
    assert 0.93 <= held / total <= 0.97


@pytest.mark.slow
def test_at_large_samples_the_report_names_the_truly_best_version_and_at_small_ones_none():
    rates = {"": 0.020, "mothers": 0.030, "fathers": 0.024}
    for seed in range(40):
        _, large = conversions.compare(experiment(seed, rates, 40_000), "variant")
        assert large.winner == "mothers", (seed, large.text)
        assert large.text.startswith("mothers converts best")
        _, small = conversions.compare(experiment(seed, rates, 600), "variant")
        assert small.winner is None and small.text.startswith(NOT_ENOUGH), small.text


@pytest.mark.slow
def test_reading_the_report_every_hour_finds_false_winners_as_it_warns():
    """Two identical versions: called once at the end, a winner is rarely named; looked
    at every hour, and stopped at the first winner, far more often."""
    same = {"": 0.03, "b": 0.03}
    once = peeked = 0
    seeds = 300
    for seed in range(seeds):
        rng = random.Random(seed)
        totals = {key: [0, 0, 0] for key in same}
        named = False
        for _ in range(12):  # an hour's views at a time
            for key, rate in same.items():
                signed = draws(rng, 2000, rate)
                total = totals[key]
                total[0] += 2000
                total[1] += signed
                total[2] += draws(rng, signed, CONFIRMING)
            _, said = conversions.compare([Group(k, *t) for k, t in totals.items()], "variant")
            named = named or said.winner is not None
        once += said.winner is not None
        peeked += named
    assert once / seeds <= 0.08  # about 1 in 20 or fewer
    assert peeked >= 3 * once and peeked / seeds >= 0.12
    assert "every hour" in conversions.PEEKING and "1 time in 20" in conversions.PEEKING


def test_the_chance_one_version_beats_another_is_what_drawing_from_the_posteriors_says():
    rng = random.Random(23)
    for (b, n_b), (a, n_a) in (((30, 1000), (20, 1000)), ((4, 150), (9, 200)), ((0, 50), (0, 50))):
        drawn = sum(
            rng.betavariate(1 + b, 1 + n_b - b) > rng.betavariate(1 + a, 1 + n_a - a)
            for _ in range(40_000)
        )
        assert abs(statistics.probability_beats(b, n_b, a, n_a) - drawn / 40_000) < 0.015
    # Past EXACT_UP_TO the normal limit takes over: it agrees with the sum there.
    n = 600_000
    for b, a in ((20_300, 20_001), (20_002, 20_001), (20_900, 20_001)):
        exact = 1 - statistics._p_b_beats_a(b + 1, n - b + 1, a + 1, n - a + 1)
        assert abs(statistics.probability_beats(b, n, a, n) - exact) < 1e-4


def test_a_wilson_interval_stays_inside_0_and_1_and_refuses_what_is_no_rate():
    assert (statistics.wilson(0, 10).low, statistics.wilson(10, 10).high) == (0.0, 1.0)
    r = statistics.wilson(20, 1000)
    assert (round(r.low, 4), round(r.high, 4)) == (0.013, 0.0307)
    for bad in ((11, 10), (1, 0), (-1, 5)):
        with pytest.raises(ValueError, match="is not a rate"):
            statistics.wilson(*bad)


def cells(line: str) -> list[str]:
    """A row of the report's text table (columns stand two spaces apart at least)."""
    return re.split(r"\s{2,}", line.strip())


def report(runner, *args) -> str:
    result = runner.invoke(args=["report", "conversions", PETITION, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_organiser_reads_which_version_brings_signatures(app, client, runner):
    for ip in crowd(40):
        look(client, ip=ip)
    for ip in crowd(25):
        look(client, f"{PAGE}v/twelve-weeks/", variant="twelve-weeks", ip=ip)
    written(app)
    arrive(app, client, 3, "newsletter")
    arrive(app, client, 2, "mothers-list", variant="twelve-weeks")
    arrive(app, client, 1, "mothers-list", "CA", False, zip="94110", variant="twelve-weeks")
    said = report(runner)
    lines = said.splitlines()
    assert lines[0] == "Conversions: Guarantee paid family leave (paid-family-leave), by variant"
    main = cells(next(line for line in lines if line.startswith("(main page)")))
    assert main[:4] == ["(main page)", "40", "3", "7.50% (2.58-19.9%)"]
    weeks = cells(next(line for line in lines if line.startswith("twelve-weeks")))
    assert weeks[:3] == ["twelve-weeks", "25", "3"] and weeks[-1].endswith("%")  # beats the first
    assert f"{NOT_ENOUGH}: each version needs at least 1,000 views and 30 confirmed" in said
    assert "Views are approximate" in said and "every hour" in said


def test_sources_show_referral_generations_and_posts_show_the_post_kit(app, client, runner):
    kit = {"utm_medium": "social", "utm_content": "launch-day"}
    for ip in crowd(12):
        look(client, ip=ip, utm_source="facebook", **kit)
    written(app)
    arrive(app, client, 2, "facebook", **kit)
    by_source = report(runner, "--by", "source")
    assert "Referral generations (views are not counted by generation):" in by_source
    first_signers = next(r for r in by_source.splitlines() if r.startswith("no share link"))
    assert cells(first_signers) == ["no share link", "2", "2", "100.0%"]
    assert "Sources reach different people" in by_source
    by_post = report(runner, "--by", "post")
    post = cells(next(line for line in by_post.splitlines() if line.startswith("launch-day")))
    assert post[:3] == ["launch-day", "12", "2"]


def test_the_csv_never_hands_a_spreadsheet_a_formula(app, client, runner):
    sneaky = '=HYPERLINK("http://evil.example","x")'
    look(client, utm_source=sneaky)
    look(client, utm_source="+cmd|' /C calc'!A0")
    written(app)
    table = list(csv.reader(io.StringIO(report(runner, "--by", "source", "--csv"))))
    assert table[0][:4] == ["group", "value", "views (approximate)", "signed"]
    values = {row[1] for row in table[1:] if row[0] == "utm_source"}
    assert values == {"'" + sneaky, "'+cmd|' /C calc'!A0"}
    assert [row[1] for row in table[1:] if row[0] == "generation"] == [
        "no share link", "1 share away", "2 shares away", "3 or more"
    ]  # fmt: skip


@pytest.mark.slow
def test_the_report_of_a_large_test_names_the_better_version(database_url, tmp_path):
    from ..conftest import prepared_app

    app = prepared_app(database_url, tmp_path)
    load_congress(app)
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["report", "synthesize", PETITION, "--main", "0.02", "--variant", "b=0.03",
              "--views", "20000", "--seed", "7"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert made.output.startswith("main page: 20,000 views, ")
    said = report(runner)
    assert "b converts best: at least a" in said
    b = cells(next(line for line in said.splitlines() if line.startswith("b ")))
    assert b[1] == "20,000" and b[-1] == ">99.9%"
    refused = runner.invoke(args=["report", "synthesize", PETITION, "--main", "0.02",
                                  "--variant", "b"])  # fmt: skip
    assert refused.exit_code == 2 and "each variant NAME=RATE once" in refused.output
    app.extensions["engine"].dispose()


def test_the_console_shows_the_report_with_its_chart_and_table(app, client):
    for ip in crowd(120):
        look(client, ip=ip)
    for ip in crowd(20):
        look(client, f"{PAGE}v/every-worker/", variant="every-worker", ip=ip)
    written(app)
    arrive(app, client, 2, "newsletter")
    staff = console_client(app, "editor")
    page = staff.get(f"/admin/conversions?petition={PETITION}").get_data(as_text=True)
    assert '<p class="notice" role="status" id="verdict">Not enough data to call yet' in page
    assert "Confirmed signatures per view, with 95% intervals" in page and "<svg" in page
    chart = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "(main page)" in chart and "every-worker" not in chart  # 20 views: table only
    assert '<th scope="row">every-worker</th>' in page
    # Every declared variant has its row, in its order, seen or not.
    rows = re.findall(
        r'<th scope="row">([^<]+?)(?: <span| \*)?</th>', page.split('id="conversions"')[1]
    )
    assert rows[:3] == ["(main page)", "twelve-weeks", "every-worker"]
    assert "as a table</summary>" in page and 'id="conversions"' in page
    assert "Views are approximate" in page and "every hour" in page
    assert 'href="/admin/conversions"' in page  # in the console's navigation
    download = staff.get(f"/admin/conversions.csv?petition={PETITION}&by=post")
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="conversions-{PETITION}-by-post.csv"'
    )
    assert staff.get(f"/admin/conversions?petition={PETITION}&by=hour").status_code == 404
    assert staff.get("/admin/conversions?petition=nope").status_code == 404
    nobody = app.test_client().get(f"/admin/conversions?petition={PETITION}")
    assert nobody.status_code == 302 and "/admin/login" in nobody.location
