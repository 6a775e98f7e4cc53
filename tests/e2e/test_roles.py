"""Each persona in a real browser: log in, see only their menu and their part of the county, log out.

The expectations follow the test tree of tests/conftest.py (2 enterprises: 新格灌溉 under 龙固镇,
恒辉编织 under 杨屯镇) and the roles of gefeng.accounts.roles / the menu of gefeng.core.menu.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.conftest import OUTSIDER_MARK, PASSWORD, PERSONAS
from tests.matrix import SEES_OUTSIDER

pytestmark = pytest.mark.e2e

# persona → (menu entries that must be shown, menu entries that must not be shown)
MENU: dict[str, tuple[set[str], set[str]]] = {
    # The system administrator manages accounts but never reads the audit log (三员分立).
    "sysadmin": ({"组织架构", "组织名录", "用户与授权", "在线会话", "责任清单", "选树表彰"}, {"审计日志"}),
    "county": (
        {
            "组织架构",
            "组织名录",
            "年度数据",
            "账号安全",
            "责任清单",
            "本期报送",
            "报送审核",
            "产改看板",
            "督办事项",
            "工作通报",
            "年终考评",
            "选树表彰",
            "荣誉记录",
            "人才库",
            "劳模津贴",
        },
        {"用户与授权", "在线会话", "登录日志", "审计日志"},
    ),
    "liaison": (
        {"组织名录", "责任清单", "本期报送", "督办事项", "年终考评", "选树表彰", "通知"},
        # 年度数据 and 接口令牌 are for county and town officers (gefeng.core.menu).
        {"用户与授权", "审计日志", "报送审核", "工作通报", "人才库", "劳模津贴", "年度数据", "接口令牌"},
    ),
    "town": (
        {"组织架构", "组织名录", "年度数据", "责任清单", "本期报送", "选树表彰", "人才库"},
        {"用户与授权", "登录日志", "审计日志", "报送审核", "劳模津贴"},
    ),
    "chair": (
        {"组织架构", "组织名录", "选树表彰", "荣誉记录"},
        {"用户与授权", "登录日志", "审计日志", "责任清单", "督办事项", "人才库", "劳模津贴", "年度数据", "接口令牌"},
    ),
    "outsider": (
        {"组织架构", "组织名录", "选树表彰"},
        {"用户与授权", "登录日志", "审计日志", "责任清单", "人才库", "劳模津贴", "年度数据"},
    ),
    "auditor": (
        {"组织架构", "登录日志", "审计日志", "责任清单", "产改看板", "荣誉记录", "人才库", "劳模津贴"},
        {"用户与授权", "在线会话", "年度数据", "本期报送", "报送审核", "选树表彰"},
    ),
    "security": (
        {"用户与授权", "在线会话", "登录日志", "账号安全"},
        {"组织架构", "组织名录", "年度数据", "审计日志", "责任清单", "选树表彰", "荣誉记录", "人才库", "劳模津贴"},
    ),
    "worker": (
        {"我的会员信息", "我的荣誉", "账号安全"},
        {
            "组织架构",
            "组织名录",
            "年度数据",
            "用户与授权",
            "登录日志",
            "审计日志",
            "责任清单",
            "督办事项",
            "选树表彰",
            "会员名册",
            "荣誉记录",
        },
    ),
}


# persona → enterprises on the home page's scope counts; None: the persona sees no business data.
ENTERPRISES: dict[str, int | None] = {
    "sysadmin": 2,
    "county": 2,
    "liaison": 0,  # 本级: the member unit itself
    "town": 1,  # 龙固镇 → 新格灌溉
    "chair": 1,
    "outsider": 1,
    "auditor": 2,
    "security": None,
    "worker": None,
}

# Personas that may open the org list (orgs.view).
ORG_LIST = {p for p, n in ENTERPRISES.items() if n is not None}


def display_name(persona: str) -> str:
    return f"{persona}测试"  # as tests.conftest.personas names them


def menu_link(menu: Locator, label: str) -> Locator:
    """The menu entry whose text is exactly `label` (the icon is a font glyph, not text)."""
    return menu.locator("a", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def login(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")


def test_menu_table_covers_every_persona():
    assert set(MENU) == set(PERSONAS) == set(ENTERPRISES)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_persona_journey(persona, page: Page, live_server, personas, results_dir):
    base = live_server.url

    # Log in through the real login page and land on the home page.
    login(page, base, persona)
    expect(page).to_have_url(f"{base}/")
    menu = page.locator("[data-testid=menu]")
    if persona == "worker":
        # The worker's phone shell: the tab bar and no desktop menu (tests/e2e/test_worker.py).
        expect(page.locator("[data-testid=tabbar]")).to_be_visible()
        expect(menu).to_have_count(0)
        expect(page.locator("h1")).to_contain_text(display_name(persona))
    else:
        expect(page.locator("[data-testid=whoami]")).to_contain_text(display_name(persona))

        # The menu is visible at desktop width and shows only the persona's entries.
        expect(menu).to_be_visible()
        shown, hidden = MENU[persona]
        for label in sorted(shown):
            expect(menu_link(menu, label), f"{persona} should see {label}").to_be_visible()
        for label in sorted(hidden):
            expect(menu_link(menu, label), f"{persona} must not see {label}").to_have_count(0)

    # The home page counts only what lies within the persona's scope.
    counts = page.locator("[data-testid=scope-counts]")
    if ENTERPRISES[persona] is None:
        expect(counts).to_have_count(0)
    else:
        expect(counts.locator("[data-count=enterprises]")).to_have_text(str(ENTERPRISES[persona]))
    page.screenshot(path=results_dir / f"e2e-home-{persona}.png", full_page=True)

    # The org list shows the outsider's enterprise only to those whose scope covers it.
    response = page.goto(f"{base}/orgs/list/")
    assert response is not None
    if persona in ORG_LIST:
        assert response.status == 200, f"{persona} should open the org list, got {response.status}"
        # A page that lists the tree names the persona's own part of it at least.
        expect(page.locator("main")).to_contain_text(re.compile("新格灌溉|恒辉编织|人力资源|县人社局"))
        if persona in SEES_OUTSIDER:
            expect(page.locator("main")).to_contain_text(OUTSIDER_MARK)
        else:
            expect(page.locator("body")).not_to_contain_text("恒辉")
        page.screenshot(path=results_dir / f"e2e-orglist-{persona}.png", full_page=True)
    else:
        assert response.status in (403, 404), f"{persona} must not open the org list, got {response.status}"
        expect(page.locator("body")).not_to_contain_text("恒辉")

    # Log out and land on the login page; the session is gone.
    page.goto(f"{base}/")
    page.click("[data-testid=logout]")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/accounts/login/")))
    expect(page.locator("input[name=username]")).to_be_visible()
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/accounts/login/")))


def test_wrong_password_stays_on_login_page(page: Page, live_server, personas):
    base = live_server.url
    login(page, base, "town", "Wrong#Pass2026")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/accounts/login/")))
    expect(page.locator("[data-testid=whoami]")).to_have_count(0)
    expect(page.locator("input[name=password]")).to_be_visible()


def _fits(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 390
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at phone width: {scroll}px > {width}px"


def test_phone_width(phone_page: Page, live_server, personas, results_dir):
    page, base = phone_page, live_server.url

    # The login page fits the screen: no sideways scrolling, the form fully in view.
    page.goto(f"{base}/accounts/login/")
    _fits(page)
    for selector in ("input[name=username]", "input[name=password]", "[data-testid=login-submit]"):
        box = page.locator(selector).bounding_box()
        assert box is not None, f"{selector} is not shown"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{selector} sticks out: {box}"
    page.screenshot(path=results_dir / "e2e-phone-login.png", full_page=True)

    login(page, base, "town")
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("[data-testid=whoami]")).to_contain_text(display_name("town"))
    _fits(page)

    # The menu is folded away behind the hamburger button and opens on a tap.
    menu = page.locator("[data-testid=menu]")
    expect(menu).to_be_hidden()
    page.locator("button[aria-controls=gf-menu]").click()
    expect(page.locator("#gf-menu")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # slid in
    expect(menu).to_be_visible()
    expect(menu_link(menu, "组织架构")).to_be_in_viewport()
    expect(menu_link(menu, "用户与授权")).to_have_count(0)
    page.screenshot(path=results_dir / "e2e-phone-menu.png")
