"""The audit trail: which models django-auditlog watches, and who is the actor.

``AUDITED`` is the single list of audited models. Each app that lands adds its
models here (label → fields to leave out), and ``register_all`` (called from
``TrustConfig.ready``) registers them. A change made during a web request is
attributed to the signed-in user and their address by ``AuditlogMiddleware``; a
change made outside a request (management commands, background tasks) has no
actor and is shown as "Hệ thống". Code that writes on behalf of a known user
outside a request wraps the work in ``acting_as(user)``.

Bulk operations (``QuerySet.update``, ``bulk_create``) send no signals and are
therefore not in this log; workbook imports are recorded as ``ImportBatch`` rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.apps import apps
from django.db.models import Model

# app_label.ModelName -> fields never written to the log.
AUDITED: dict[str, list[str]] = {
    # orgs (issue 2)
    # A unit's dated versions (UnitVersion) and lineage (UnitLineage) are not logged
    # apart: they are themselves the unit's history, written only by the orgs services
    # together with the change of the Unit that is logged here with its actor.
    "orgs.Unit": ["sort_key", "search_key"],
    "orgs.Member": ["sort_key", "search_key"],
    "orgs.Membership": [],
    "orgs.Exemption": [],
    "orgs.Assignment": [],
    # a member's activation code: who issued it, when, its wrong tries, its use (the
    # row deleted); never its digest
    "orgs.AccountCode": ["digest"],
    # auth: never the password hash; last_login changes at every sign-in.
    "auth.User": ["password", "last_login"],
    # documents (issue 3): the body and extracted text are large and derived from
    # files; the log keeps the fields a person edits.
    "documents.Issuer": [],
    "documents.Document": ["symbol_key", "body", "updated_at"],
    "documents.Attachment": ["text"],
    "documents.DocumentLink": [],
    # study (issue 4): campaigns and sessions; attendance rows are volume data kept
    # without per-row history (ARCHITECTURE.md), their source is on each row.
    "study.Campaign": [],
    "study.Session": [],
    # presenters (issue 14): the roster's history (who was recognised, changed, relieved)
    "presenters.PresenterLevel": [],
    "presenters.PresenterStatus": [],
    "presenters.Presenter": ["sort_key", "search_key"],
    "presenters.SessionPresenter": [],
    # periods (issue 16): opening, submitting, approving, returning and reopening; the
    # frozen figures and the files are derived (their SHA-256 is logged)
    "periods.ReportingPeriod": [],
    "periods.Submission": ["snapshot", "docx", "xlsx", "files_status"],
    # essays (issue 15): requirements, markers and grading; the draft's text and its
    # autosave counter change at every keystroke batch and stay out of the log.
    "essays.EssayRequirement": [],
    "essays.Marker": [],
    "essays.Essay": ["text", "version", "saved_at"],
    # surveys (issue 17): the survey itself only; never Response, Answer or SurveyCode
    # (an entry carries the request's user and address: it would name the respondent).
    "surveys.Survey": [],
    # media (issue 17): media output figures, awards and models, and their kinds
    "media.MediaKind": [],
    "media.MediaOutput": ["language_key", "document_key"],
    "media.AwardKind": [],
    "media.Award": ["search_key"],
    # followup (issue 16): programmes, tasks and their progress, inspections
    "followup.Programme": [],
    "followup.Task": [],
    "followup.TaskReport": [],
    "followup.Inspection": [],
    "followup.InspectionTarget": [],
    # contests (issue 15): banks, questions (their key), contests and rounds; attempts
    # and answers are volume data, their times on each row.
    "contests.QuestionBank": [],
    "contests.Question": ["stem_key"],
    "contests.Contest": [],
    "contests.Round": [],
    # api: who made which key for which unit and right, and its revocation; never its
    # digest; its last use is written without signals (a query's update), never logged
    "api.ApiKey": ["digest", "last_used_at"],
}

SYSTEM_LABEL = "Hệ thống"


def audited_models() -> list[type[Model]]:
    return [apps.get_model(label) for label in AUDITED]


def register_all() -> None:
    from auditlog.registry import auditlog

    for label, excluded in AUDITED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            # Only the model's own columns: reverse relations are not changes of
            # this row, and creation timestamps repeat the entry's own time.
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if f.name not in excluded and f.name not in {"created_at", "updated_at"}
            ]
            auditlog.register(model, include_fields=fields)


TWO_FACTOR_FIELD = "two_factor"


def _two_factor_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if instance.confirmed and (created or fields is None or "confirmed" in fields):
        _log_two_factor(instance, before="", after=instance.name)


def _two_factor_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.confirmed:
        _log_two_factor(instance, before=instance.name, after="")


def _log_two_factor(device: Any, *, before: str, after: str) -> None:
    """A two-factor device confirmed or removed, logged on its owner's account
    (wherever it happens: enrolment, an administrator's reset, the admin site)."""
    from auditlog.models import LogEntry

    user = device.user
    LogEntry.objects.log_create(
        user, action=LogEntry.Action.UPDATE, changes={TWO_FACTOR_FIELD: [before, after]}
    )


def watch_two_factor() -> None:
    from django.db.models.signals import post_delete, post_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    post_save.connect(_two_factor_saved, sender=TOTPDevice, dispatch_uid="audit_2fa_save")
    post_delete.connect(_two_factor_deleted, sender=TOTPDevice, dispatch_uid="audit_2fa_delete")


@contextmanager
def acting_as(actor: Any, remote_addr: str | None = None) -> Iterator[None]:
    """Attribute the changes made inside the block to ``actor`` (a user) when
    there is no request doing it already; ``None`` means the system."""
    from auditlog.context import auditlog_value, set_actor

    if actor is None or not getattr(actor, "is_authenticated", False):
        with nullcontext():
            yield
        return
    # django-auditlog does not restore the enclosing context (a request's) when a
    # nested one ends; put it back so the request's own clean-up finds it.
    outer = auditlog_value.get(None)
    try:
        with set_actor(actor, remote_addr=remote_addr):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)
