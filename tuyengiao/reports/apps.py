from __future__ import annotations

import dataclasses
import sys

from django.apps import AppConfig


def _repair_slotted_dataclasses() -> None:
    """django-tasks 0.9 declares ``TaskResult`` and friends as
    ``@dataclass(frozen=True, slots=True)``. On Python 3.11 the ``__setattr__``
    generated for a frozen dataclass keeps the class from *before* ``slots=True``
    recreated it, so ``TaskResult[T](...)`` (which sets ``__orig_class__``) raises
    ``TypeError: super(type, obj)`` and every ``enqueue`` fails, on the immediate and
    the database backend alike (fixed in CPython 3.12, gh-90562). Point the closure at
    the real class, which is what 3.12 does."""
    if sys.version_info >= (3, 12):
        return
    import importlib

    for module_name in (
        "django_tasks.base",
        "django_tasks.backends.database.backend",
        "django_tasks.backends.immediate",
        "django_tasks.backends.dummy",
    ):
        _repair_module(importlib.import_module(module_name))


def _repair_module(module: object) -> None:
    for value in vars(module).values():
        if not (isinstance(value, type) and dataclasses.is_dataclass(value)):
            continue
        setattr_fn = value.__dict__.get("__setattr__")
        closure = getattr(setattr_fn, "__closure__", None)
        if setattr_fn is None or not closure:
            continue
        for name, cell in zip(setattr_fn.__code__.co_freevars, closure, strict=True):
            if name == "cls" and cell.cell_contents is not value:
                cell.cell_contents = value


class ReportsConfig(AppConfig):
    name = "tuyengiao.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        _repair_slotted_dataclasses()
        from tuyengiao.snapshots.services import register

        from . import dashboard

        register(dashboard.KIND, dashboard.compute)
