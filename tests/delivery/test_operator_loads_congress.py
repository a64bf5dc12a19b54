"""An operator loads districts and members, replaces them while the API runs, and goes back."""

from __future__ import annotations

import csv

from petition_api.congress import cli as congress_cli
from petition_api.congress import files as congress

from ..conftest import LEGISLATORS, ZCCD, free_port, load_congress, prepared_app


def small_files(tmp_path, senators=True):
    districts = tmp_path / "zccd.csv"
    districts.write_text(
        "state_fips,state_abbr,zcta,cd\n36,NY,10001,10\n36,NY,10001,12\n36,NY,10021,12\n"
        "11,DC,20001,0\n"
    )
    legislators = tmp_path / "legislators.csv"
    with open(LEGISLATORS, newline="") as source, open(legislators, "w", newline="") as out:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, reader.fieldnames)
        writer.writeheader()
        for row in reader:
            keep = row["state"] == "DC" or (row["state"] == "NY" and row["type"] == "sen")
            if row["state"] == "NY" and row["district"] == "12":
                keep = True
            if keep and (senators or row["type"] != "sen"):
                writer.writerow(row)
    return districts, legislators


def test_an_operator_replaces_the_data_while_the_api_serves_and_can_go_back(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, CONGRESS_CHECK_SECONDS=0.0)
    client = app.test_client()
    runner = app.test_cli_runner()
    assert client.get("/api/districts/10001").status_code == 404  # nothing loaded yet

    districts, legislators = small_files(tmp_path, senators=False)
    load_congress(app, districts, legislators)
    body = client.get("/api/districts/10001").get_json()
    assert [d["representative"] for d in body["districts"]] == [
        None,
        "Jerrold Nadler",
    ]  # NY-10 vacant
    assert client.get("/api/districts/94541").status_code == 404

    load_congress(app)  # the full files: a new dataset, switched in one step
    assert client.get("/api/districts/94541").status_code == 200
    listing = runner.invoke(args=["congress", "list"]).output.splitlines()
    assert listing[0].startswith("  1\t119th") and listing[1].startswith("* 2\t119th")
    assert "541 offices (4 vacant)" in listing[1]

    assert runner.invoke(args=["congress", "activate", "1"]).exit_code == 0
    assert client.get("/api/districts/94541").status_code == 404
    assert runner.invoke(args=["congress", "activate", "9"]).exit_code == 1
    assert runner.invoke(args=["congress", "prune", "--keep", "0"]).output == "deleted 1 datasets\n"
    app.extensions["engine"].dispose()


def test_senators_are_ranked_senior_and_junior_by_seniority(tmp_path):
    offices = {o.code: o for o in congress.read_legislators(LEGISLATORS)}
    assert offices["NY-SR"].full_name == "Charles E. Schumer"
    assert offices["NY-JR"].full_name == "Kirsten E. Gillibrand"
    assert offices["OH-SR"].full_name == "Bernie Moreno"  # sworn in 18 days before Husted
    assert offices["VT-SR"].full_name == "Bernard Sanders"
    # A member new to the file, whose full_name is still empty, is named from the parts.
    assert offices["CA-01"].full_name == "James Gallagher"
    assert "DC-SR" not in offices and offices["DC-AL"].full_name == "Eleanor Holmes Norton"
    every = congress.all_offices(congress.read_districts(ZCCD), list(offices.values()))
    assert len(every) == 541
    assert sorted(o.code for o in every if o.vacant) == ["CA-14", "FL-20", "GA-13", "TX-23"]


def test_the_census_relationship_file_loads_too(tmp_path):
    census = tmp_path / "tab20_cd11920_zcta520_natl.txt"
    census.write_text(
        "OID_CD119_20|GEOID_CD119_20|NAMELSAD_CD119_20|OID_ZCTA5_20|GEOID_ZCTA5_20|AREALAND_PART\n"
        "1|3610|Congressional District 10|2|10001|100\n"
        "1|3612|Congressional District 12|2|10001|100\n"
        "3|1198|Delegate District (at Large)|4|20001|100\n"
        "5|0200|Congressional District (at Large)|6|99501|100\n"
        "7|36ZZ|Congressional Districts not defined|8|10001|5\n"
        "9|3612|Congressional District 12||\n"
    )
    assert congress.read_districts(census) == [
        ("10001", "NY", "NY-10"),
        ("10001", "NY", "NY-12"),
        ("20001", "DC", "DC-AL"),
        ("99501", "AK", "AK-AL"),
    ]


def test_a_broken_file_is_refused_with_where_and_why(app, runner, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("state_fips,state_abbr,zcta,cd\n36,NY,1000X,12\n")
    result = runner.invoke(
        args=["congress", "load", "--districts", str(broken), "--legislators", str(LEGISLATORS)]
    )
    assert result.exit_code == 1
    assert "broken.csv, line 2" in result.output
    assert runner.invoke(args=["congress", "load"]).exit_code == 2  # no files, no --download


def test_download_without_internet_says_what_to_do(app, runner, monkeypatch):
    monkeypatch.setattr(congress_cli, "DISTRICTS_URL", f"http://127.0.0.1:{free_port()}/cd.txt")
    result = runner.invoke(args=["congress", "load", "--download"])
    assert result.exit_code == 1
    assert "could not download http://127.0.0.1:" in result.output
    assert "flask congress load --districts PATH --legislators PATH" in result.output
