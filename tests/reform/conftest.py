import pytest

from tests.reform import factories


@pytest.fixture
def plan(tree):
    return factories.plan(tree)


@pytest.fixture
def hrss_item(tree, plan):
    """An item led by 县人社局 (the liaison's unit) with 龙固镇 co-responsible."""
    import datetime as dt

    return factories.item(
        tree,
        "2021-01",
        tree.hrss,
        co=(tree.longgu,),
        milestones=[
            {"title": "制定方案", "due": dt.date(2021, 3, 31)},
            {"title": "总结", "due": dt.date(2021, 12, 20)},
        ],
        indicators=[{"name": "结对师徒", "unit": "对", "baseline": 0, "target": 100}],
    )


@pytest.fixture
def kejiju_item(tree, plan):
    return factories.kejiju_item(tree)
