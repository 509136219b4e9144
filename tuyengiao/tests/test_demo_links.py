"""No page links to a page its reader cannot open.

On the demo data (``seed_demo``) each persona follows the links of the pages it reaches,
from the home page, up to ``PER_ROUTE`` pages of each route, and every link must open:
not a 404 (outside the reader's scope), not a 403, never a 500. A province's course lists
learners of every commune and its conference has bridge points in every commune: a
commune's staff reads both, but the learners' and bridge points' own pages of other
communes are not theirs to open, so they must be text, not links.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PERSONAS = ["tinh", "xa", "chibo", "dangvien"]
PER_ROUTE = 12  # pages of one route (one campaign, session, unit... page each)
# Downloads, actions and pages outside the application's own templates.
SKIP = ("/dang-xuat/", "/quan-tri/", "/static/", "/media/", "/tep/", "/tai-ve/", "/anh/", "/xuat/")
SKIP_SUFFIX = (".xlsx", ".docx", ".json")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/"):
            self.hrefs.append(href.split("#")[0])


def _route(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _walk(client: Client) -> tuple[int, list[str]]:
    """Pages opened and the links that did not open (``status path ← page``)."""
    queue: list[tuple[str, str]] = [("/", "")]
    seen: set[str] = set()
    per_route: Counter[str | None] = Counter()
    broken: list[str] = []
    opened = 0
    while queue:
        path, source = queue.pop(0)
        if path in seen or path.startswith(SKIP) or urlsplit(path).path.endswith(SKIP_SUFFIX):
            continue
        seen.add(path)
        route = _route(path)
        if per_route[route] >= PER_ROUTE:
            continue
        per_route[route] += 1
        response = client.get(path)
        opened += 1
        if response.status_code in (403, 404) or response.status_code >= 500:
            broken.append(f"{response.status_code} {path} ← {source}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        links = _Links()
        links.feed(response.content.decode())
        queue.extend((href, path) for href in links.hrefs if href not in seen)
    return opened, broken


def test_every_link_of_every_persona_opens(settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = False  # the second factor has its own tests
    call_command("seed_demo", verbosity=0)
    problems: list[str] = []
    for username in PERSONAS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        opened, broken = _walk(client)
        assert opened > 40, f"{username} reached only {opened} pages"
        problems += [f"{username}: {line}" for line in broken]
    assert not problems, "\n".join(problems)
