"""Paper and money: amounts as `619,000.00 元` on the allowance pages and `#,##0.00` in their
workbooks, 打印 on the pages meant for paper, and the indicator picker in Chinese."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse

from gefeng.core import figures
from gefeng.reform.selectors import figure_choices
from tests.allowances.conftest import kinds, model_factory  # noqa: F401 - fixtures
from tests.allowances.test_views import approved  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _styles(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml").decode()


def test_allowance_pages_show_money_and_print(approved, login_as):  # noqa: F811
    run = approved["run"]
    client = login_as("county")
    report = client.get(reverse("allowances:run-report", args=[run.pk])).content.decode()
    assert 'data-testid="overall-amount">4,700.00 元<' in report
    assert "data-gf-print" in report and "打印" in report
    assert not re.search(r">\d{4,}\.\d\d<", report)  # no amount without thousands separators
    detail = client.get(reverse("allowances:run-detail", args=[run.pk])).content.decode()
    assert 'data-testid="total">4,700.00 元<' in detail and "data-gf-print" in detail
    listing = client.get(reverse("allowances:run-list")).content.decode()
    assert "4,700.00 元" in listing


def test_allowance_workbooks_format_money_columns(approved, login_as):  # noqa: F811
    run = approved["run"]
    client = login_as("county")
    for response in (
        client.get(reverse("allowances:run-report", args=[run.pk]), {"format": "xlsx"}),
        client.get(reverse("allowances:run-export", args=[run.pk])),
    ):
        assert response.status_code == 200
        assert "#,##0.00" in _styles(response)


def test_indicator_picker_offers_chinese_labels_with_units():
    choices = dict(figure_choices())
    assert choices.pop("") == "（由单位填报）"
    assert set(choices) == set(figures.names())
    for name, label in choices.items():
        figure = figures.describe(name)
        assert figure is not None and figure.label in label and name not in label
        if figure.unit:
            assert f"（{figure.unit}）" in label
