"""A ``ModelAdmin`` base that is generic for the type checker and plain at run time.

django-stubs declares ``ModelAdmin[Model]``, but Django's class is not subscriptable
(without ``django_stubs_ext.monkeypatch()``, which would make a dev package a run-time one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from django.contrib import admin
from django.db.models import Model

M = TypeVar("M", bound=Model)

if TYPE_CHECKING:

    class ModelAdmin(admin.ModelAdmin[M]): ...

else:

    class ModelAdmin(Generic[M], admin.ModelAdmin):
        pass
