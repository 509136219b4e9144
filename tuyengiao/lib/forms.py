"""Form fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .numbers import parse_id


class RowsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A ``ModelMultipleChoiceField`` of rows chosen by id that refuses an id no database
    integer holds as an invalid choice. Django's own field checks each value with an
    exact lookup (safe) and then reads them all with ``pk__in``, which on SQLite raises
    ``OverflowError`` for ``99999999999999999999``: a 500 from a typed form value."""

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            for pk in value:
                if parse_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super().clean(value)
