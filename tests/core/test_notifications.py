"""The notification centre: sending, the list, marking read, the top bar's badge, and the
reminders of `gefeng reform_remind`."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gefeng.core import notifications
from gefeng.core.actors import SYSTEM
from gefeng.core.models import Notification


def test_send_with_a_key_refreshes_instead_of_repeating(personas):
    user = personas["liaison"]
    first = notifications.send(user, title="提醒", body="一", link="/reform/due/", key="k1")
    notifications.mark_read(actor=user, notification=first)
    again = notifications.send(user, title="提醒", body="二", link="/reform/due/", key="k1")
    assert again.pk == first.pk and again.read_at is None and again.body == "二"
    notifications.send(user, title="另一条")
    notifications.send(user, title="另一条")
    assert Notification.objects.filter(recipient=user).count() == 3


def test_links_stay_inside_the_platform(personas):
    user = personas["liaison"]
    assert notifications.send(user, title="a", link="https://example.com/").link == ""
    assert notifications.send(user, title="b", link="//example.com/").link == ""
    assert notifications.send(user, title="c", link="/reform/due/?plan=1").link == "/reform/due/?plan=1"
    assert len(notifications.send(user, title="长" * 300).title) == 120


def test_list_shows_only_own_notifications(personas, login_as):
    notifications.send(personas["liaison"], title="给联络员的通知")
    notifications.send(personas["outsider"], title="恒辉编织的通知")
    body = login_as("liaison").get(reverse("core:notification-list")).content.decode()
    assert "给联络员的通知" in body and "恒辉编织" not in body
    assert "<h1" in body and ">通知</h1>" in body


def test_mark_one_read_and_open_its_link(personas, login_as):
    n = notifications.send(personas["liaison"], title="去报送", link="/reform/due/")
    client = login_as("liaison")
    r = client.post(reverse("core:notification-read", args=[n.pk]), {"go": "1"})
    assert r.status_code == 302 and r["Location"] == "/reform/due/"
    n.refresh_from_db()
    assert n.read_at is not None
    other = notifications.send(personas["outsider"], title="恒辉")
    assert client.post(reverse("core:notification-read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert client.get(reverse("core:notification-read", args=[n.pk])).status_code == 405


def test_mark_all_read(personas, login_as):
    for i in range(3):
        notifications.send(personas["liaison"], title=f"通知{i}")
    keep = notifications.send(personas["town"], title="别人的")
    client = login_as("liaison")
    assert client.post(reverse("core:notification-read-all")).status_code == 302
    assert notifications.unread_count(personas["liaison"]) == 0
    keep.refresh_from_db()
    assert keep.read_at is None
    assert "只看未读" in client.get(reverse("core:notification-list")).content.decode()
    assert "没有未读通知" in client.get(reverse("core:notification-list") + "?unread=1").content.decode()


def test_list_paginates(personas, login_as):
    for i in range(25):
        notifications.send(personas["liaison"], title=f"第{i:02d}条")
    client = login_as("liaison")
    first = client.get(reverse("core:notification-list")).content.decode()
    assert "第24条" in first and "第04条" not in first
    second = client.get(reverse("core:notification-list") + "?page=2").content.decode()
    assert "第04条" in second


def test_unread_badge_costs_one_query(personas, login_as):
    client = login_as("liaison")
    body = client.get(reverse("core:notification-list")).content.decode()
    assert 'data-testid="bell"' in body and 'data-testid="unread-badge"' not in body
    for i in range(3):
        notifications.send(personas["liaison"], title=f"通知{i}")
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("orgs:node-list")).content.decode()
    assert 'data-testid="unread-badge">3<' in body
    hits = [q["sql"] for q in ctx.captured_queries if "core_notification" in q["sql"]]
    assert len(hits) == 1 and "read_at" in hits[0]
    Notification.objects.bulk_create(Notification(recipient=personas["liaison"], title="x") for _ in range(120))
    assert 'data-testid="unread-badge">99+<' in client.get(reverse("core:notification-list")).content.decode()


def test_anonymous_and_login_page_have_no_badge(db, client):
    assert notifications.unread_count(None) == 0
    assert 'data-testid="bell"' not in client.get(reverse("accounts:login")).content.decode()


@pytest.fixture
def published(tree):
    """The reform tests' 2021 plan, published: items of 县人社局 (with 龙固镇) and 县科技局."""
    from tests.reform import factories

    plan = factories.plan(tree)
    factories.item(tree, "2021-01", tree.hrss, co=(tree.longgu,))
    factories.kejiju_item(tree)
    plan.status = "published"
    plan.save()
    return plan


def test_reform_remind_notifies_the_units_reporters(personas, tree, published):
    from django.core.management import call_command

    from gefeng.accounts import services as account_services

    # A second reporter at 县人社局, and a disabled one who gets nothing.
    account_services.user_create(
        actor=SYSTEM,
        username="hrss2",
        name="人社二",
        org=tree.hrss,
        password="Test#Pass2026",
        roles={"member_unit"},
        must_change=False,
    )
    gone = account_services.user_create(
        actor=SYSTEM,
        username="hrss3",
        name="人社三",
        org=tree.hrss,
        password="Test#Pass2026",
        roles={"member_unit"},
        must_change=False,
    )
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    out = io.StringIO()
    call_command("reform_remind", "--days", "3", "--today", "2021-04-03", stdout=out)
    assert "县人社局" in out.getvalue()
    rows = Notification.objects.filter(recipient=personas["liaison"])
    assert rows.count() == 1
    n = rows.get()
    assert "4月5日截止" in n.title and "未报送" in n.body and n.link.startswith("/reform/due/?plan=")
    assert Notification.objects.filter(recipient__username="hrss2").count() == 1
    assert not Notification.objects.filter(recipient=gone).exists()
    # 龙固镇 owes too: its town officer hears of it; nobody outside the owing units does.
    assert Notification.objects.filter(recipient=personas["town"]).count() == 1
    assert not Notification.objects.filter(recipient__in=[personas["chair"], personas["county"]]).exists()
    # Again the next day: refreshed (unread again), not repeated.
    notifications.mark_all_read(actor=personas["liaison"])
    call_command("reform_remind", "--days", "3", "--today", "2021-04-04", stdout=io.StringIO())
    assert rows.count() == 1 and rows.get().read_at is None
    # A dry run sends nothing.
    Notification.objects.all().delete()
    call_command("reform_remind", "--days", "3", "--today", "2021-04-03", "--dry-run", stdout=io.StringIO())
    assert not Notification.objects.exists()


def test_reminder_shows_on_the_home_page(personas, tree, published, login_as):
    from gefeng.reform import services

    services.remind(actor=SYSTEM, days=5, today=__import__("datetime").date(2021, 4, 1))
    body = login_as("liaison").get("/").content.decode()
    assert "进展报送将于4月5日截止" in body
    assert 'data-testid="unread-badge">1<' in body
