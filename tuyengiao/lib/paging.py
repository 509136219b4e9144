"""A page of a list too long to count at each request.

Django's ``Paginator`` counts the whole list to number its pages. For a national
campaign's sessions under a province that count is most of the page's time (about
1 s of 1,1 s on the full national data), and the total is already on the page
(the figures). ``OpenPage`` reads the page's rows and one more, to know whether
another page follows, and has the parts of Django's ``Page`` the page links use
(``paginator`` is ``None``: no total).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

from .numbers import MAX_OFFSET

M = TypeVar("M", bound=Model)


class OpenPage(Generic[M]):
    paginator = None

    def __init__(self, rows: QuerySet[M], per_page: int, number: Any) -> None:
        try:
            self.number = max(1, int(number))
        except (TypeError, ValueError):
            self.number = 1
        # a page past the last offset a list is read to (``?trang=`` typed huge) is the
        # last such page, not an offset the database cannot hold
        self.number = min(self.number, max(1, MAX_OFFSET // per_page))
        start = (self.number - 1) * per_page
        read = list(rows[start : start + per_page + 1])
        self.object_list: Sequence[M] = read[:per_page]
        self._more = len(read) > per_page

    def __iter__(self) -> Iterator[M]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
