"""Reads of the surveys app, and the results with their suppression.

``results(survey)`` counts every question once for the whole survey (a few grouped
statements), builds the tree of units that answered (today's tree, cut at the
survey's unit) and decides per question which nodes are hidden
(``suppression.suppress``). Every view of the results (the page of any unit, the
XLSX, the report section) reads from that one pattern, so nothing hidden on one is
given away by another. Free text is counted, never listed here (``text_answers``
is for the survey's owner).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from tuyengiao.lib.text import collation_key
from tuyengiao.orgs.models import Unit

from .models import Answer, Choice, Kind, Question, Response, Survey
from .suppression import Tree, suppress


def surveys_of(qs: QuerySet[Survey], search: str = "") -> QuerySet[Survey]:
    qs = qs.select_related("unit").annotate(n_responses=Count("responses"))
    if search:
        qs = qs.filter(title__icontains=search) | qs.filter(code__icontains=search)
    return qs.order_by("-date_from", "code")


def surveys_of_unit(qs: QuerySet[Survey], unit: Unit) -> QuerySet[Survey]:
    """Surveys whose subtree holds ``unit``, or owned by a unit below it, newest first."""
    from tuyengiao.orgs import access as core

    return (
        qs.filter(
            Q(unit__path__in=core.ancestor_paths(unit.path)) | Q(unit__path__startswith=unit.path)
        )
        .select_related("unit")
        .order_by("-date_from", "code")
    )


def share(count: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class Node:
    key: str  # "u<id>" a unit's subtree, "d<id>" the unit's own answers beside its children
    unit_id: int
    code: str
    name: str
    direct: bool = False


@dataclass
class QuestionResult:
    question: Question
    choices: list[Choice]
    respondents: dict[str, int]  # node -> respondents who answered the question
    counts: dict[str, dict[int, int]]  # node -> choice id -> count
    sums: dict[str, int]  # node -> sum of an integer question
    hidden: set[str]

    def shown(self, node: str) -> bool:
        return node in self.respondents and node not in self.hidden


@dataclass
class Results:
    survey: Survey
    nodes: dict[str, Node]
    tree: Tree
    responses: dict[str, int]
    responses_hidden: set[str]
    questions: list[QuestionResult] = field(default_factory=list)

    def node_of(self, unit: Unit) -> str | None:
        key = f"u{unit.pk}"
        return key if key in self.nodes else None

    def children(self, key: str) -> list[Node]:
        kids = [self.nodes[c] for c in self.tree.children.get(key, [])]
        return sorted(kids, key=lambda n: (not n.direct, collation_key(n.name), n.code))


def _tree(
    survey: Survey, unit_ids: set[int]
) -> tuple[dict[str, Node], dict[int, str], dict[str, str | None]]:
    """The units that answered and their ancestors up to the survey's unit; returns
    the nodes, per answering unit the leaf its own answers go to, and the parents."""
    root = survey.unit
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).only("pk", "path")}
    chains: dict[int, list[int]] = {}
    needed: set[int] = {root.pk}
    for uid, unit in units.items():
        parts = [int(p) for p in unit.path.split("/") if p]
        chain = parts[parts.index(root.pk) :] if root.pk in parts else [root.pk, uid]
        chains[uid] = chain
        needed.update(chain)
    names = {
        u["pk"]: (u["code"], u["name"])
        for u in Unit.objects.filter(pk__in=needed).values("pk", "code", "name")
    }
    parent: dict[str, str | None] = {f"u{root.pk}": None}
    for chain in chains.values():
        for up, down in itertools.pairwise(chain):
            parent[f"u{down}"] = f"u{up}"
    has_children = {p for p in parent.values() if p is not None}
    nodes = {key: Node(key, int(key[1:]), *names[int(key[1:])]) for key in parent}
    leaf: dict[int, str] = {}
    for uid in units:
        key = f"u{uid}"
        if key in has_children:
            own = f"d{uid}"
            code, name = names[uid]
            nodes[own] = Node(own, uid, code, f"{name} (trực tiếp)", direct=True)
            parent[own] = key
            leaf[uid] = own
        else:
            leaf[uid] = key
    return nodes, leaf, parent


def _roll_up(tree: Tree, direct: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}

    def walk(node: str) -> int:
        kids = tree.children.get(node, [])
        out[node] = direct.get(node, 0) + sum(walk(c) for c in kids)
        return out[node]

    for node, up in tree.parent.items():
        if up is None:
            walk(node)
    return out


def published(survey: Survey) -> bool:
    """Are the survey's results out? Only once it is closed or its period is over: two
    looks at live results, one before and one after a single answer, would give that
    answer away by subtraction, whatever the threshold."""
    from tuyengiao.orgs.selectors import today

    return not survey.is_open or survey.date_to < today()


def results(survey: Survey) -> Results:
    per_unit = dict(
        Response.objects.filter(survey=survey)
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    nodes, leaf, parent = _tree(survey, set(per_unit))
    tree = Tree(parent)
    k = survey.threshold
    responses = _roll_up(tree, {leaf[u]: n for u, n in per_unit.items()})
    out = Results(survey, nodes, tree, responses, suppress(tree, responses, k))
    answers = Answer.objects.filter(response__survey=survey)
    respondents: dict[int, dict[str, int]] = defaultdict(dict)
    for qid, uid, n in (
        answers.values_list("question_id", "response__unit_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "response__unit_id", "n")
    ):
        respondents[qid][leaf[uid]] = n
    counts: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for qid, cid, uid, n in (
        answers.filter(choice__isnull=False)
        .values_list("question_id", "choice_id", "response__unit_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "choice_id", "response__unit_id", "n")
    ):
        counts[qid][cid][leaf[uid]] = n
    sums: dict[int, dict[str, int]] = defaultdict(dict)
    for qid, uid, total in (
        answers.filter(number__isnull=False)
        .values_list("question_id", "response__unit_id")
        .annotate(s=Sum("number"))
        .values_list("question_id", "response__unit_id", "s")
    ):
        sums[qid][leaf[uid]] = int(total or 0)
    for question in survey.questions.prefetch_related("choices"):
        if question.kind == Kind.NOTE:
            continue
        n = _roll_up(tree, respondents[question.pk])
        per_choice = {cid: _roll_up(tree, c) for cid, c in counts[question.pk].items()}
        by_node: dict[str, dict[int, int]] = defaultdict(dict)
        for cid, rolled in per_choice.items():
            for node, value in rolled.items():
                by_node[node][cid] = value
        out.questions.append(
            QuestionResult(
                question=question,
                choices=list(question.choices.all()),
                respondents=n,
                counts=dict(by_node),
                sums=_roll_up(tree, sums[question.pk]),
                hidden=suppress(tree, n, k),
            )
        )
    return out


def text_answers(question: Question, unit: Unit) -> QuerySet[Answer]:
    """Free-text answers under ``unit`` for the survey's owner: text only, in the order of
    the text (never by arrival), no unit or date beside them."""
    return (
        Answer.objects.filter(question=question, response__unit__path__startswith=unit.path)
        .exclude(text="")
        .order_by("text")
        .only("text")
    )


def code_counts(survey: Survey) -> tuple[int, int]:
    used = survey.codes.filter(used=True).count()
    return survey.codes.count(), used


def unused_codes(survey: Survey) -> list[str]:
    return list(survey.codes.filter(used=False).order_by("code").values_list("code", flat=True))


# --- the report -------------------------------------------------------------------------


@dataclass
class ChoiceShare:
    name: str
    label: str
    count: int
    share: Decimal | None


@dataclass
class QuestionShares:
    name: str
    label: str
    respondents: int | None  # None: hidden
    choices: list[ChoiceShare]


@dataclass
class SurveyFigures:
    code: str
    title: str
    date_from: dt.date
    date_to: dt.date
    threshold: int
    published: bool
    unit_name: str  # the unit whose figures these are (the report's, or the survey's)
    responses: int | None  # None: hidden
    questions: list[QuestionShares]


def select_one_shares(res: Results, node: str | None) -> SurveyFigures:
    survey = res.survey
    if not published(survey):
        node = None  # nothing before the survey ends
    shown_responses = (
        node is not None and node in res.responses and node not in res.responses_hidden
    )
    questions: list[QuestionShares] = []
    for q in res.questions:
        if q.question.kind != Kind.SELECT_ONE:
            continue
        if node is None or not q.shown(node):
            questions.append(QuestionShares(q.question.name, q.question.label, None, []))
            continue
        n = q.respondents[node]
        counts = q.counts.get(node, {})
        questions.append(
            QuestionShares(
                q.question.name,
                q.question.label,
                n,
                [
                    ChoiceShare(c.name, c.label, counts.get(c.pk, 0), share(counts.get(c.pk, 0), n))
                    for c in q.choices
                ],
            )
        )
    return SurveyFigures(
        code=survey.code,
        title=survey.title,
        date_from=survey.date_from,
        date_to=survey.date_to,
        threshold=survey.threshold,
        published=published(survey),
        unit_name=res.nodes[node].name if node in res.nodes else survey.unit.name,
        responses=res.responses[node] if shown_responses and node else None,
        questions=questions,
    )


def surveys_for_report(unit: Unit, date_from: dt.date, date_to: dt.date) -> list[Survey]:
    """Surveys whose period meets the report's and whose subtree holds ``unit`` or lies
    inside ``unit``'s subtree."""
    from tuyengiao.orgs import access as core

    return list(
        Survey.objects.filter(date_from__lte=date_to, date_to__gte=date_from)
        .filter(
            Q(unit__path__in=core.ancestor_paths(unit.path)) | Q(unit__path__startswith=unit.path)
        )
        .select_related("unit")
        .order_by("date_from", "code")
    )


def report_figures(unit: Unit, date_from: dt.date, date_to: dt.date) -> list[SurveyFigures]:
    from tuyengiao.orgs import access as core

    out = []
    for survey in surveys_for_report(unit, date_from, date_to):
        res = results(survey)
        target = unit if core.in_subtree(unit.path, survey.unit.path) else survey.unit
        out.append(select_one_shares(res, res.node_of(target)))
    return out


def latest_response(unit: Unit, until: dt.date) -> dt.date | None:
    return (
        Response.objects.filter(unit__path__startswith=unit.path, date__lte=until)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def link_target(found: tuple[int, int]) -> tuple[Survey, Unit] | None:
    survey = Survey.objects.select_related("unit").filter(pk=found[0]).first()
    unit = Unit.objects.filter(pk=found[1]).first()
    if survey is None or unit is None:
        return None
    return survey, unit
