"""The roll-up side of the QR check-in, as part of one PostgreSQL statement.

Check-ins on PostgreSQL are one data-modifying ``WITH`` statement for one scan
or a group of scans of one session (see ``study.services.checkin_many``).
``presence_added_ctes`` gives the ``WITH`` items that do what
``services.facts_attendance_changed(old=None, new=PRESENT)`` does step by step
for each newly present row:

1. ``+n`` on the session fact (``fs``); no fact row yet means nothing else
   happens here and the caller rebuilds the session's facts;
2. the presence rows (``pf``);
3. the members' row locks, ``FOR NO KEY UPDATE`` in id order (``lk``), then
4. the two member-fact upserts widening first/last and counting the presences.

The sub-statements of one ``WITH`` run in an order PostgreSQL chooses, except
that one that reads another's output runs after it. Each step here reads the
previous one's output (``IN (SELECT ... FROM ...)``), which keeps the lock order of
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


def presence_added_ctes(source: str) -> str:
    """``WITH`` items (to follow others, so starting with a comma) for the rows in
    CTE ``source`` (columns ``session_id, member_id, campaign_id, host_id, date``),
    attendance rows just inserted as present, one per (session, member). The item
    ``fs`` returns the sessions whose fact was found; the rows of any other
    session change nothing here (the caller rebuilds that session's facts).

    The callers put one session in a statement, so that ``fs`` locks one row."""
    member = apps.get_model("orgs", "Member")._meta.db_table
    mc, mf = MemberCampaignFact._meta.db_table, MemberFact._meta.db_table
    counted = f"(SELECT * FROM {source} WHERE session_id IN (SELECT session_id FROM fs))"

    def widen(table: str, key: str) -> str:
        return (
            f"INSERT INTO {table} ({key}, first_date, last_date, presences) "
            f"SELECT {key}, min(date), max(date), count(*) FROM {counted} c "
            f"WHERE member_id IN (SELECT id FROM lk) GROUP BY {key} "
            f"{widen_on_conflict(table, key)}"
        )

    return (
        f", fs AS (UPDATE {SessionFact._meta.db_table} f SET present = f.present + c.n "
        f"FROM (SELECT session_id, count(*) AS n FROM {source} GROUP BY session_id) c "
        "WHERE f.session_id = c.session_id RETURNING f.session_id)"
        f", pf AS (INSERT INTO {PresenceFact._meta.db_table} "
        "(session_id, member_id, campaign_id, unit_id, date) "
        f"SELECT session_id, member_id, campaign_id, host_id, date FROM {counted} c)"
        f", lk AS (SELECT m.id FROM {member} m WHERE m.id IN (SELECT member_id FROM {counted} c) "
        "ORDER BY m.id FOR NO KEY UPDATE)"
        f", mc AS ({widen(mc, 'member_id, campaign_id')})"
        f", mf AS ({widen(mf, 'member_id')})"
    )
