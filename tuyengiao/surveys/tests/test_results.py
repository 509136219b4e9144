"""Results that cannot single anyone out: a unit with fewer than k respondents shows
no figure, and no hidden figure can be worked out from the figures shown on any
page (the check is the linear algebra of ``test_suppression.determined``, run on the
figures the pages actually show)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tuyengiao.orgs.access import SYSTEM
from tuyengiao.surveys import selectors, services
from tuyengiao.surveys.models import Survey
from tuyengiao.surveys.suppression import Tree

from .conftest import answer, make_survey
from .test_suppression import determined

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world: Any, survey: Survey) -> Survey:
    """Province survey: CB1 4 respondents, CB2 10, CB3 (in XA2) 12, XA2 itself 6."""
    answer(survey, world.cell, 3, vai_tro="tot", y_kien="Ý kiến riêng của bản Một")
    answer(survey, world.cell, 1, vai_tro="chua_tot")
    answer(survey, world.cell2, 7, vai_tro="tot", kenh="hoi_nghi mang")
    answer(survey, world.cell2, 3, vai_tro="khong_biet", so_buoi="4")
    answer(survey, world.sibling_cell, 12, vai_tro="tot")
    answer(survey, world.sibling_commune, 6, vai_tro="chua_tot")
    services.survey_set_open(actor=SYSTEM, survey=survey, is_open=False)  # results are out
    return survey


def _page(client: Any, survey: Survey, unit: Any) -> Any:
    page = client.get(reverse("surveys:results", args=[survey.code]), {"don_vi": unit.code})
    assert page.status_code == 200
    return page


def test_a_unit_with_four_respondents_shows_no_figure(
    world: Any, answered: Survey, client_for: Any
) -> None:
    client = client_for("province")
    page = _page(client, answered, world.cell)
    ctx = page.context
    assert ctx["responses"] is None
    for item in ctx["questions"]:
        assert item["total"] is None and item["mean"] is None and item["chart"] == ""
        assert all(total is None for _c, total, _cells in item["rows"])
    html = page.content.decode()
    assert '<td id="responses"><span class="muted">ẩn</span>' in html
    assert "<svg" not in html
    # and on the commune's page, the cell's column is hidden too
    commune = _page(client, answered, world.commune).context
    kids = [k.code for k in commune["children"]]
    assert commune["kid_responses"][kids.index("CB1")] is None
    # the secretary of CB1 sees no figure of their own cell either
    secretary = _page(client_for("secretary"), answered, world.cell).context
    assert secretary["responses"] is None


def test_the_sibling_is_hidden_too_so_the_commune_total_gives_nothing_away(
    world: Any, answered: Survey, client_for: Any
) -> None:
    ctx = _page(client_for("province"), answered, world.commune).context
    assert ctx["responses"] == 14  # XA1: 4 + 10, shown
    by_code = dict(zip([k.code for k in ctx["children"]], ctx["kid_responses"], strict=True))
    assert by_code == {"CB1": None, "CB2": None}  # else CB1 = 14 - CB2


def _shown_everywhere(client: Any, survey: Survey, units: list[Any]) -> tuple[Tree, dict[str, Any]]:
    """The tree of results and, per node, the figures some page shows for it."""
    res = selectors.results(survey)
    shown: dict[str, Any] = {}
    for unit in units:
        ctx = _page(client, survey, unit).context
        if ctx["node"] is None:
            continue
        columns = [(ctx["node"], ctx["responses"], [i["total"] for i in ctx["questions"]])]
        columns += [
            (kid.key, ctx["kid_responses"][i], [q["kids"][i] for q in ctx["questions"]])
            for i, kid in enumerate(ctx["children"])
        ]
        for key, responses, totals in columns:
            if responses is not None:
                shown.setdefault(key, {})["responses"] = responses
            for q, total in zip(res.questions, totals, strict=True):
                if total is not None:
                    shown.setdefault(key, {})[q.question.name] = total
    return res.tree, shown


def test_no_hidden_figure_can_be_derived_from_the_figures_shown(
    world: Any, answered: Survey, client_for: Any
) -> None:
    units = [
        world.province,
        world.commune,
        world.cell,
        world.cell2,
        world.sibling_commune,
        world.sibling_cell,
    ]
    tree, shown = _shown_everywhere(client_for("province"), answered, units)
    for figure in ("responses", "vai_tro", "kenh", "so_buoi"):
        hidden = {node for node in tree.nodes if figure not in shown.get(node, {})}
        assert determined(tree, hidden) == set(), figure
    # and the small groups are among the hidden
    assert "responses" not in shown.get(f"u{world.cell.pk}", {})
    assert shown[f"u{world.province.pk}"]["responses"] == 32


def test_shares_on_the_page_are_counts_over_those_who_answered(
    world: Any, answered: Survey, client_for: Any
) -> None:
    ctx = _page(client_for("province"), answered, world.province).context
    vai_tro = next(i for i in ctx["questions"] if i["q"].name == "vai_tro")
    totals = {c.name: total for c, total, _cells in vai_tro["rows"]}
    assert totals["tot"][0] == 3 + 7 + 12 and vai_tro["total"] == 32
    assert str(totals["tot"][1]) == "68.75"
    assert "68,75%" in _page(client_for("province"), answered, world.province).content.decode()


def test_free_text_is_for_the_owner_only_and_never_beside_a_unit(
    world: Any, answered: Survey, client_for: Any
) -> None:
    url = reverse("surveys:texts", args=[answered.code, "y_kien"])
    owner = client_for("province").get(url)
    assert owner.status_code == 200
    assert "Ý kiến riêng của bản Một" in owner.content.decode()
    assert "Chi bộ bản Một" not in owner.content.decode()
    assert client_for("commune").get(url).status_code == 403  # below the owner
    page = _page(client_for("commune"), answered, world.commune).content.decode()
    assert (
        "Ý kiến riêng" not in page
        and reverse("surveys:texts", args=[answered.code, "y_kien"]) not in page
    )


def test_the_xlsx_holds_aggregates_only_with_the_same_hiding(
    world: Any, answered: Survey, client_for: Any
) -> None:
    got = client_for("province").get(
        reverse("surveys:results_xlsx", args=[answered.code]), {"don_vi": world.commune.code}
    )
    assert got.status_code == 200
    ws = load_workbook(io.BytesIO(got.content)).active
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    text = repr(rows)
    assert "Ý kiến riêng" not in text
    header = next(r for r in rows if r[0] == "Câu hỏi")
    responses = next(r for r in rows if r[2] == "Số phiếu")
    assert responses[3] == 14
    assert responses[header.index("Chi bộ bản Một")] == "ẩn"
    assert responses[header.index("Chi bộ bản Hai")] == "ẩn"


def test_nothing_is_shown_while_the_survey_still_takes_answers(
    world: Any, answered: Survey, client_for: Any
) -> None:
    """Two looks at live results, before and after one answer, would give it away."""
    services.survey_set_open(actor=SYSTEM, survey=answered, is_open=True)
    client = client_for("province")
    page = _page(client, answered, world.province)
    assert page.context["unpublished"] and "68,75%" not in page.content.decode()
    xlsx = reverse("surveys:results_xlsx", args=[answered.code])
    assert client.get(xlsx).status_code == 403
    texts = reverse("surveys:texts", args=[answered.code, "y_kien"])
    assert client.get(texts).status_code == 403


def test_a_unit_with_many_children_pages_its_columns_under_200_kb(
    world: Any, client_for: Any
) -> None:
    from tuyengiao.orgs import services as org_services

    from .conftest import make_survey

    survey = make_survey(world.province, single_use=False)
    for i in range(45):
        cell = org_services.unit_create(
            actor=SYSTEM,
            code=f"CBN{i:02d}",
            name=f"Chi bộ số {i}",
            kind="Chi bộ",
            parent=world.commune,
        )
        answer(survey, cell, 5 + i % 3, vai_tro="tot" if i % 2 else "chua_tot", kenh="mang")
    services.survey_set_open(actor=SYSTEM, survey=survey, is_open=False)
    client = client_for("province")
    first = _page(client, survey, world.commune)
    assert len(first.context["children"]) == 20 and first.context["page"].paginator.count == 45
    assert len(first.content) < 200_000
    last = client.get(
        reverse("surveys:results", args=[survey.code]), {"don_vi": "XA1", "trang": "3"}
    )
    assert len(last.context["children"]) == 5
    xlsx = client.get(reverse("surveys:results_xlsx", args=[survey.code]), {"don_vi": "XA1"})
    header = next(
        r
        for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
        if r[0] == "Câu hỏi"
    )
    assert len(header) == 4 + 45  # every child in the workbook


def test_the_unit_page_lists_the_surveys_the_unit_takes_part_in(
    world: Any, answered: Survey, client_for: Any
) -> None:
    client = client_for("commune")
    panel = client.get(reverse("surveys:unit_panel", args=["CB2"]), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    html = panel.content.decode()
    assert answered.title in html and "?don_vi=CB2" in html and "<html" not in html
    assert "surveys:unit_panel" not in html
    unit_page = client.get(reverse("orgs:unit", args=["XA1"])).content.decode()
    assert reverse("surveys:unit_panel", args=["XA1"]) in unit_page
    outside = client.get(reverse("surveys:unit_panel", args=["XA2"]))
    assert outside.status_code == 404


def test_a_question_shows_its_form_name_only_to_those_who_manage_the_survey(
    survey: Any, client_for: Any
) -> None:
    url = reverse("surveys:detail", args=[survey.code])
    staff = client_for("province").get(url).content.decode()
    assert "tên trong biểu mẫu: vai_tro" in staff
    member = client_for("member").get(url)
    assert member.status_code == 200 and "vai_tro" not in member.content.decode()


def test_the_survey_page_names_units_below_only_when_there_are_some(
    world: Any, client_for: Any
) -> None:
    of_cell = make_survey(world.cell2)
    url = reverse("surveys:detail", args=[of_cell.code])
    page = client_for("province").get(url).content.decode()
    assert "Chi bộ bản Hai ·" in page and "trực thuộc" not in page


def test_the_survey_page_of_a_province_names_its_units_below(survey: Any, client_for: Any) -> None:
    url = reverse("surveys:detail", args=[survey.code])
    page = client_for("province").get(url).content.decode()
    assert "Tỉnh ủy Thử và các đơn vị trực thuộc ·" in page
