import pytest

from .support import copy_sample, run_build


@pytest.fixture(scope="session")
def sample_config(tmp_path_factory):
    """mkdocs.yml of a copy of the sample campaign, made once: never the live content/."""
    return copy_sample(tmp_path_factory.mktemp("sample-campaign"))


@pytest.fixture(scope="session")
def sample_site(sample_config, tmp_path_factory):
    """The sample campaign, built once with --strict."""
    build = run_build(sample_config, tmp_path_factory.mktemp("sample") / "site", "--strict")
    assert build.returncode == 0, build.output
    return build.site
