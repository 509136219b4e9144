"""Every page of every demo persona fits a phone (390×844) and a desktop (1366×768).

Debian's chromium through Playwright (issue 11.4). On the demo data (``seed_demo``), each
persona signs in and follows the links of the pages it can reach, one page per route (the
menu, then what the pages link to), and on each page:

- nothing overflows horizontally: the page is no wider than the window, and no visible
  element sticks out of it unless it sits inside a box that scrolls sideways
  (``overflow-x: auto``, as the wide tables do);
- every QR code (the check-in screen, the two-factor enrolment) is whole: its SVG has a
  viewBox, is drawn inside the window at the viewBox's aspect, and no ancestor clips it.

Screenshots of the key pages at both sizes go to ``var/screenshots/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from tuyengiao.trust.tests.test_browser import ARGS, CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
PERSONAS = ["admin", "tinh", "xa", "chibo", "dangvien"]
# Downloads, actions and pages outside the application's own templates.
SKIP = ("/dang-xuat/", "/quan-tri/", "/static/", "/media/", "/tep/", "/tai-ve/", "/anh/", "/xuat/")
SKIP_SUFFIX = (".xlsx", ".docx", ".json", ".ics")
KEY_PAGES = {
    "home",
    "orgs:tree",
    "orgs:unit",
    "reports:dashboard",
    "reports:new",
    "study:campaigns",
    "study:campaign",
    "study:session",
    "study:grid",
    "study:qr",
    "documents:list",
    "trust:enrol",
    "trust:audit_log",
}

# Everything that sticks out of the window, except inside a sideways-scrolling box.
OVERFLOW_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const reported = [];
  if (document.documentElement.scrollWidth > vw) {
    out.push(`page ${document.documentElement.scrollWidth}px > ${vw}px`);
  }
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > vw + 1 || r.left < -1 || r.width > vw + 1) && !scrolls(el) &&
        !reported.some((o) => o.contains(el))) {
      reported.push(el);
      const text = (el.innerText || '').trim().slice(0, 40);
      out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ` +
               `${Math.round(r.left)}..${Math.round(r.right)}px "${text}"`);
      if (out.length > 8) break;
    }
  }
  return out;
}
"""

# Each QR's SVG: viewBox, drawn box at the viewBox's aspect, inside the window, unclipped.
QR_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const svg of document.querySelectorAll('.qr svg, svg.segno')) {
    const vb = svg.viewBox && svg.viewBox.baseVal;
    if (!svg.getAttribute('viewBox') || !vb || !vb.width) {
      out.push('QR without a viewBox'); continue;
    }
    const r = svg.getBoundingClientRect();
    if (r.width < 120) out.push(`QR drawn ${Math.round(r.width)}px wide: too small to scan`);
    const aspect = (r.width / r.height) / (vb.width / vb.height);
    if (Math.abs(aspect - 1) > 0.02) out.push(`QR aspect distorted (${aspect.toFixed(2)})`);
    if (r.left < -1 || r.right > vw + 1) out.push(`QR outside the window ${r.left}..${r.right}`);
    for (let p = svg.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const b = p.getBoundingClientRect();
        if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 ||
            r.bottom > b.bottom + 1) out.push(`QR clipped by <${p.tagName.toLowerCase()}>`);
      }
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (never playwright install)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def route_of(url: str) -> str | None:
    path = urlsplit(url).path
    if any(part in path for part in SKIP) or path.endswith(SKIP_SUFFIX):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def signed_in(browser: Any, base_url: str, username: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(base_url=base_url, locale="vi-VN", viewport=viewport)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    return page


def crawl(page: Any, base_url: str) -> dict[str, str]:
    """One URL per route the persona reaches by following links from the home page (the
    dashboard first over the whole demo period, so that its tables and charts are there)."""
    found: dict[str, str] = {}
    queue = ["/bao-cao/?tu=01/01/2000", "/"]
    while queue:
        path = queue.pop(0)
        route = route_of(path)
        if route is None or route in found:
            continue
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        found[route] = path
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            parts = urlsplit(href)
            if href.startswith(base_url) and route_of(href) not in found:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _own_session(username: str) -> str | None:
    """The code of a session hosted in the unit ``username`` is assigned to, if any."""
    from tuyengiao.orgs.models import Assignment
    from tuyengiao.study.models import Session

    assignment = Assignment.objects.filter(user__username=username).select_related("unit")
    unit = assignment.first()
    if unit is None or unit.role not in {"commune_staff", "cell_secretary", "province_staff"}:
        return None
    session = (
        Session.objects.filter(host__path__startswith=unit.unit.path, main__isnull=True)
        .order_by("date", "code")
        .first()
    )
    return session.code if session else None


def check(page: Any, path: str, label: str) -> list[str]:
    page.goto(path)
    problems = [f"{label} {path}: {p}" for p in page.evaluate(OVERFLOW_JS)]
    problems += [f"{label} {path}: {p}" for p in page.evaluate(QR_JS)]
    return problems


def test_every_page_of_every_persona_fits_a_phone_and_a_desktop(
    browser: Any, live_server: Any
) -> None:
    call_command("seed_demo", verbosity=0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    walked: dict[str, dict[str, str]] = {}
    for username in PERSONAS:
        phone = signed_in(browser, live_server.url, username, PHONE)
        routes = crawl(phone, live_server.url)
        # The two-factor enrolment (its QR) is in the user menu of every persona.
        routes.setdefault("trust:enrol", "/an-toan/hai-lop/")
        # The first session a link reaches may be one the persona only reads: also walk
        # the attendance grid and QR of a session their own unit hosts, as they would.
        own = _own_session(username)
        if own is not None:
            phone.goto(reverse("study:session", kwargs={"code": own}))
            for href in phone.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                route = route_of(href)
                if route in {"study:grid", "study:qr"}:
                    routes.setdefault(route, urlsplit(href).path)
        walked[username] = routes
        desktop = signed_in(browser, live_server.url, username, DESKTOP)
        for route, path in sorted(routes.items()):
            for pg, size in ((phone, "phone"), (desktop, "desktop")):
                problems += check(pg, path, f"{username} {size}")
                if route in KEY_PAGES and username in {"tinh", "chibo", "dangvien"}:
                    name = f"{size}-{username}-{route.replace(':', '-')}.png"
                    tall = pg.evaluate("document.documentElement.scrollHeight") > 6000
                    pg.screenshot(path=str(SHOTS / name), full_page=not tall)
        # The user menu opened on the phone: "Đăng xuất" is on screen.
        phone.goto("/")
        phone.locator("header details.user-menu summary").click()
        box = phone.get_by_role("button", name="Đăng xuất").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        phone.screenshot(path=str(SHOTS / f"phone-{username}-menu.png"))
        phone.context.close()
        desktop.context.close()
    assert not problems, "\n".join(problems)
    # The walk reached the pages that matter for each role.
    assert {"home", "orgs:tree", "study:campaigns", "reports:dashboard"} <= set(walked["tinh"])
    assert {"study:session", "study:grid", "study:qr"} <= set(walked["xa"])
    assert {"study:campaign", "orgs:unit_structure"} <= set(walked["chibo"])
    assert "study:history" in walked["dangvien"]
