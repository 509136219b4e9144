"""The core of access: ``Scope.covers`` and ``in_subtree`` are the one subtree test."""

from __future__ import annotations

import pytest

from tuyengiao.orgs.access import Scope, ancestor_paths, in_subtree
from tuyengiao.orgs.models import Assignment, Role, Unit


def test_in_subtree_is_the_path_prefix_of_whole_segments() -> None:
    assert in_subtree("/1/7/42/", "/1/7/")
    assert in_subtree("/1/7/", "/1/7/")
    assert not in_subtree("/1/70/", "/1/7/")  # a sibling whose id starts alike
    assert not in_subtree("/1/", "/1/7/")  # an ancestor is not inside
    assert not in_subtree("", "/1/") and not in_subtree("/1/", "")


def test_ancestor_paths() -> None:
    assert ancestor_paths("/1/7/42/") == ["/1/", "/1/7/", "/1/7/42/"]


@pytest.mark.parametrize(
    ("path", "covered"),
    [("/1/7/", True), ("/1/7/42/", True), ("/1/", False), ("/1/8/", False)],
)
def test_scope_covers_its_subtree(path: str, covered: bool) -> None:
    unit = Unit(path="/1/7/")
    scope = Scope(unit=unit, role=Role.COMMUNE_STAFF, assignment=Assignment(unit=unit))
    assert scope.covers(Unit(path=path)) is covered
