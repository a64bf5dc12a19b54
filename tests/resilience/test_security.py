"""Security checks: bandit on the code, pip-audit on the dependencies.

bandit's skips live in pyproject.toml ([tool.bandit]), each with its reason.
pip-audit needs a vulnerability service (PyPI's JSON API or OSV); where neither
answers for our packages, the test says so as a skip reason (docs/pages/security.md).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ..conftest import ROOT

CODE = ["petition_api", "campaign_site", "build.py", "bench"]


def test_bandit_finds_nothing_unexplained():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-c", "pyproject.toml", "-f", "json", "-r", *CODE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert not findings, (
        "bandit findings (fix, or justify a skip in pyproject.toml):\n" + "\n".join(findings)
    )


@pytest.mark.slow
def test_pip_audit_finds_no_known_vulnerabilities():
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "-f",
                "json",
                "--skip-editable",
                "--progress-spinner",
                "off",
                "--desc",
                "off",
                "--timeout",
                "20",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=240,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit: its vulnerability service did not answer within 4 minutes")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.skip(f"pip-audit could not reach its vulnerability service: {result.stderr[-300:]}")
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        reason = dependencies[0].get("skip_reason", "") if dependencies else result.stderr[-300:]
        pytest.skip(
            "pip-audit could not audit any dependency from here (its vulnerability "
            f"service has no answer for them): {reason}"
        )
    vulnerable = [
        f"{d['name']} {d['version']}: {', '.join(v['id'] for v in d['vulns'])}"
        for d in audited
        if d.get("vulns")
    ]
    assert not vulnerable, "known vulnerabilities:\n" + "\n".join(vulnerable)
