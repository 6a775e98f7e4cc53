"""Each registry column is defined once (members/columns.py); the importer, the template, the
demo roster, the export, the demo loader and the benchmarks read it."""

from pathlib import Path

import pytest

from gefeng.members import columns, demo, exporting
from gefeng.members.imports import pipeline, preview, rosters, rows
from gefeng.members.models import Member


def test_the_importer_reads_the_roster_columns_from_one_place():
    assert pipeline.COLUMNS is columns.ROSTER
    assert pipeline.LABELS is columns.LABELS and pipeline.COMPACT is columns.COMPACT
    assert rows._COPIED is columns.STORED
    assert preview.DATE_KEYS is columns.DATES


def test_the_demo_roster_and_the_template_name_the_roster_columns():
    assert ["序号", *(columns.LABELS[key] for key in columns.ROSTER_FILE)] == rosters.HEADERS
    assert set(columns.ROSTER_FILE) <= set(columns.LABELS)


def test_the_export_headers_come_from_the_columns():
    assert exporting.export_headers(reveal=False) == columns.EXPORT
    revealed = exporting.export_headers(reveal=True)
    assert revealed[columns.EXPORT_BIRTH] == "出生日期" and len(revealed) == len(columns.EXPORT)


@pytest.mark.parametrize("row", [columns.STORED, columns.BULK_ROW, columns.DEMO_ROW])
def test_every_bulk_row_names_real_fields_once(row):
    fields = {f.attname for f in Member._meta.concrete_fields}
    assert len(set(row)) == len(row)
    assert set(row) <= fields


def test_the_demo_and_the_benchmark_write_the_rows_defined_here():
    assert demo.MEMBER_COLUMNS is columns.DEMO_ROW
    text = (Path(__file__).parents[2] / "bench" / "search_members.py").read_text()
    assert "from gefeng.members.columns import BULK_ROW" in text and "COLUMNS = (" not in text


def test_the_columns_import_without_settings():
    """bench/make_rosters.py writes rosters without Django settings: the columns must allow it."""
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE
    plain = "import gefeng.members.columns as c, gefeng.members.imports.rosters as r; print(len(r.HEADERS))"
    done = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True, env=env, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(1 + len(columns.ROSTER_FILE))
