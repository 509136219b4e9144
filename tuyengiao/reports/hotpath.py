"""The roll-up side of the QR check-in, as part of one PostgreSQL statement.

A check-in on PostgreSQL is one data-modifying ``WITH`` statement (see
``study.services._checkin_in_one_statement``). ``presence_added_ctes`` gives the
``WITH`` items that do what ``services.facts_attendance_changed(old=None,
new=PRESENT)`` does step by step for one newly present row:

1. ``+1`` on the session fact (``fs``); no fact row yet means nothing else
   happens here and the caller rebuilds the session's facts;
2. the presence row (``pf``);
3. the member's row lock, ``FOR NO KEY UPDATE`` (``lk``), then
4. the two member-fact upserts widening first/last and counting ``+1``.

The sub-statements of one ``WITH`` run in an order PostgreSQL chooses, except
that one that reads another's output runs after it. Each step here reads the
previous one (``EXISTS (SELECT 1 FROM ...)``), which keeps the lock order of
``services``: the session fact first, then the member, so a scan and a
recount of the same member or session cannot deadlock. Kept next to
``services`` on purpose: a change to the facts changes both, and
``study/tests/test_checkin.py::test_checkin_facts_equal_a_rebuild`` compares
the result with a rebuild.
"""

from __future__ import annotations

from django.apps import apps

from .models import MemberCampaignFact, MemberFact, PresenceFact, SessionFact
from .services import widen_on_conflict


def presence_added_ctes(source: str, gate: str) -> str:
    """``WITH`` items (to follow others, so starting with a comma) for the row in
    CTE ``source`` (columns ``session_id, member_id, campaign_id, host_id, date``),
    applied only when CTE ``gate`` has a row (the attendance row was inserted).
    The item ``fs`` returns one row when the session fact was found."""
    member = apps.get_model("orgs", "Member")._meta.db_table
    mc, mf = MemberCampaignFact._meta.db_table, MemberFact._meta.db_table

    def widen(table: str, key: str, values: str, gate_cte: str) -> str:
        return (
            f"INSERT INTO {table} ({key}, first_date, last_date, presences) "
            f"SELECT {values}, date, date, 1 FROM {source} "
            f"WHERE EXISTS (SELECT 1 FROM {gate_cte}) {widen_on_conflict(table, key)}"
        )

    return (
        f", fs AS (UPDATE {SessionFact._meta.db_table} SET present = present + 1 "
        f"WHERE session_id = (SELECT session_id FROM {source}) "
        f"AND EXISTS (SELECT 1 FROM {gate}) RETURNING session_id)"
        f", pf AS (INSERT INTO {PresenceFact._meta.db_table} "
        "(session_id, member_id, campaign_id, unit_id, date) "
        f"SELECT session_id, member_id, campaign_id, host_id, date FROM {source} "
        "WHERE EXISTS (SELECT 1 FROM fs))"
        f", lk AS (SELECT m.id FROM {member} m WHERE m.id = (SELECT member_id FROM {source}) "
        "AND EXISTS (SELECT 1 FROM fs) FOR NO KEY UPDATE)"
        f", mc AS ({widen(mc, 'member_id, campaign_id', 'member_id, campaign_id', 'lk')})"
        f", mf AS ({widen(mf, 'member_id', 'member_id', 'lk')})"
    )
