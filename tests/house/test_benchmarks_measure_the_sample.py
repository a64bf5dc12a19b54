"""The build benchmarks measure the sample campaign as git holds it (as the tests
build it), plus the stories they generate: never the live content/, where `make
run` and the console publish stories, so two machines measure the same site."""

from __future__ import annotations

from bench.generate_stories import generate
from sample_campaign import copy_sample

GENERATED = "content/stories/posts/generated"


def files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_benchmarks_site_is_the_sample_and_the_stories_it_generates(tmp_path):
    config = generate(3, tmp_path / "bench")
    sample = files(copy_sample(tmp_path / "sample").parent)
    measured = files(config.parent)
    assert [f for f in measured if not f.startswith(GENERATED)] == sample
    assert len([f for f in measured if f.startswith(GENERATED)]) == 3


def test_a_benchmark_run_again_with_fewer_stories_keeps_none_of_the_earlier_ones(tmp_path):
    generate(5, tmp_path / "bench")
    config = generate(0, tmp_path / "bench")
    assert files(config.parent) == files(copy_sample(tmp_path / "sample").parent)
