"""No page links to a page its reader cannot open.

On the demo data (``seed_demo``) each persona follows the links of the pages it reaches,
from the home page, up to ``PER_ROUTE`` pages of each route, and every link must open:
not a 404 (outside the reader's scope), not a 403, never a 500. A province's course lists
learners of every commune and its conference has bridge points in every commune: a
commune's staff reads both, but the learners' and bridge points' own pages of other
communes are not theirs to open, so they must be text, not links.

Every page opened is also read as a screen reader needs it (``_Page``): one ``h1`` on a
whole page, ``lang="vi"``, no id twice, every field with a label, every image with a
text.
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


class _Page(HTMLParser):
    """The links of a page, and what makes it hard to read with a screen reader."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.fields: list[tuple[str, str | None, bool]] = []  # name, id, labelled
        self.in_label = 0
        self.h1 = 0
        self.lang: str | None = None
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        href = a.get("href") or ""
        if tag == "a" and href.startswith("/"):
            self.hrefs.append(href.split("#")[0])
        if a.get("id"):
            self.ids[a["id"] or ""] += 1
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"] or "")
        elif tag == "img" and "alt" not in a:
            self.problems.append(f"an image without alt: {a.get('src')}")
        elif tag in ("input", "select", "textarea") and (a.get("type") or "") not in (
            "hidden",
            "submit",
            "button",
            "reset",
        ):
            named = bool(a.get("aria-label") or a.get("aria-labelledby") or a.get("title"))
            self.fields.append((a.get("name") or "", a.get("id"), named or self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1

    def read(self, html: str) -> list[str]:
        self.feed(html)
        problems = list(self.problems)
        problems += [f"id {i} {n} times" for i, n in self.ids.items() if n > 1]
        problems += [
            f"field {name} without a label"
            for name, id_, labelled in self.fields
            if not labelled and not (id_ and id_ in self.label_for)
        ]
        if html.lstrip().lower().startswith("<!doctype"):  # a whole page, not a part
            if self.h1 != 1:
                problems.append(f"{self.h1} h1")
            if self.lang != "vi":
                problems.append(f"lang {self.lang}")
        return problems


def _route(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _walk(client: Client) -> tuple[int, list[str], list[str]]:
    """Pages opened, the links that did not open (``status path ← page``) and what
    the pages opened lack for a screen reader (``_Page``)."""
    queue: list[tuple[str, str]] = [("/", "")]
    seen: set[str] = set()
    per_route: Counter[str | None] = Counter()
    broken: list[str] = []
    unreadable: list[str] = []
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
        page = _Page()
        unreadable += [f"{path}: {problem}" for problem in page.read(response.content.decode())]
        queue.extend((href, path) for href in page.hrefs if href not in seen)
    return opened, broken, unreadable


def test_every_link_of_every_persona_opens(settings: Any) -> None:
    settings.TWO_FACTOR_ENFORCED = False  # the second factor has its own tests
    call_command("seed_demo", verbosity=0)
    problems: list[str] = []
    unreadable: list[str] = []
    for username in PERSONAS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        opened, broken, hard = _walk(client)
        assert opened > 40, f"{username} reached only {opened} pages"
        problems += [f"{username}: {line}" for line in broken]
        unreadable += [f"{username}: {line}" for line in hard]
    assert not problems, "\n".join(problems)
    assert not unreadable, "\n".join(unreadable)
