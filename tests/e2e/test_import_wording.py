"""A roster in an enterprise's own words, imported in a real browser: the preview lists the word
the registry does not know with its row count, the chair maps it, and the members come in with
the chosen value; the next roster of the union has the choice preselected."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_honours import login
from tests.members.test_import import people, rows_of, write_xlsx

pytestmark = pytest.mark.e2e

JOB = 8


def test_an_unknown_word_is_mapped_on_the_preview(page: Page, live_server, personas, tree, tmp_path, settings):
    from gefeng.members.models import Member, ValueMapping

    settings.DATA_DIR = tmp_path / "data"
    rows = rows_of(people(12, seed=95))
    for i, row in enumerate(rows):
        row[JOB] = "操作岗" if i < 7 else "一线职工"
    path = write_xlsx(tmp_path / "花名册.xlsx", rows)

    base = live_server.url
    login(page, base, "chair")
    page.goto(f"{base}/members/import/new/")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=import-form] button[type=submit]")
    mappings = page.locator("[data-testid=import-mappings]")
    row = mappings.locator('tr[data-column="岗位类别"][data-value="操作岗"]')
    expect(row.locator("[data-count]")).to_have_text("7")
    expect(mappings.locator("tbody tr")).to_have_count(1)  # 一线职工 is a built-in synonym
    row.locator("select").select_option("一线工人")
    page.click("[data-testid=import-confirm] button[value=confirm]")
    expect(page.locator("[data-testid=import-status]")).to_have_attribute("data-status", "done", timeout=15_000)
    expect(page.locator('[data-count="imported"]')).to_have_text("12")
    expect(page.locator('[data-count="warnings"]')).to_have_text("0")
    assert set(Member.objects.values_list("job_category", flat=True)) == {"一线工人"}
    assert ValueMapping.objects.get().raw_value == "操作岗"

    more = rows_of(people(3, seed=96))
    for row in more:
        row[JOB] = "操作岗"
    page.goto(f"{base}/members/import/new/")
    page.set_input_files("input[name=file]", str(write_xlsx(tmp_path / "第二批.xlsx", more)))
    page.click("[data-testid=import-form] button[type=submit]")
    row = page.locator('[data-testid=import-mappings] tr[data-column="岗位类别"][data-value="操作岗"]')
    expect(row).to_contain_text("上次选择")
    expect(row.locator("select")).to_have_value("一线工人")
