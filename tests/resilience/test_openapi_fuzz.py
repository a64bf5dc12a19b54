"""Schemathesis against /api/openapi.json: every documented operation, generated cases,
no 5xx and nothing stored for a refused request."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from .fuzzing import OPENAPI_EXAMPLES, accepted, fuzz_app, rows, tally

pytestmark = pytest.mark.slow


# Schemathesis reads the schema when the module is collected, so the app is made
# here (its from_fixture loader does not work with this pytest).
_workdir = Path(tempfile.mkdtemp(prefix="groundswell-openapi-"))
atexit.register(shutil.rmtree, _workdir, True)
fuzzed_app = fuzz_app(_workdir)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed_app)


@schema.parametrize()
@settings(
    max_examples=OPENAPI_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_documented_operation(case):
    before = rows(fuzzed_app)
    response = case.call(headers={"Accept": "application/json"})
    tally()
    case.validate_response(response, checks=[not_a_server_error])
    if not accepted(response.status_code):
        assert rows(fuzzed_app) == before, f"refused ({response.status_code}) yet stored"
