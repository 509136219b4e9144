"""Django's own Vietnamese form messages, corrected where they read wrongly."""

from __future__ import annotations

from django import forms
from django.utils import translation


class _Form(forms.Form):
    count = forms.IntegerField(min_value=0, max_value=10)
    day = forms.DateField()


def test_form_errors_read_as_vietnamese_users_write() -> None:
    with translation.override("vi"):
        form = _Form({"count": "nhiều", "day": "31/02/2025"})
        assert not form.is_valid()
        assert form.errors["count"] == ["Hãy nhập một số nguyên."]
        assert form.errors["day"] == ["Hãy nhập ngày hợp lệ, dạng dd/mm/yyyy."]
        assert _Form({"count": "-1", "day": "01/02/2025"}).errors["count"] == [
            "Giá trị phải lớn hơn hoặc bằng 0."
        ]
        assert _Form({"count": "11", "day": "01/02/2025"}).errors["count"] == [
            "Giá trị phải nhỏ hơn hoặc bằng 10."
        ]
        # untouched messages still come from Django's catalogue
        assert _Form({}).errors["count"] == ["Trường này là bắt buộc."]


def test_the_admin_pages_have_no_english_left_from_django_s_catalogue() -> None:
    """Messages of Django's admin templates its Vietnamese catalogue lacks (the
    index's table headings, read aloud by screen readers; the theme switch) come from
    the project's catalogue."""
    from django.utils.translation import gettext

    with translation.override("vi"):
        assert gettext("Model name") == "Loại dữ liệu"
        assert gettext("Toggle theme (current theme: dark)") == "Đổi giao diện (đang dùng: tối)"
        assert gettext("Skip to main content") == "Chuyển đến nội dung chính"


def test_the_messages_bad_input_can_bring_up_are_vietnamese() -> None:
    """Messages Django's Vietnamese catalogue leaves empty, taken from Django itself
    (so that a changed wording shows here): posting garbage to every form of the demo
    brought up "“…” is not a valid value." on the new campaign page."""
    from django.core import paginator, validators
    from django.db import models
    from django.forms import formsets

    messages = [
        forms.ModelMultipleChoiceField.default_error_messages["invalid_pk_value"],
        forms.JSONField.default_error_messages["invalid"],
        forms.UUIDField.default_error_messages["invalid"],
        forms.DurationField.default_error_messages["invalid"],
        forms.MultiValueField.default_error_messages["incomplete"],
        paginator.Paginator.default_error_messages["invalid_page"],
        validators.ProhibitNullCharactersValidator.message,
        validators.FileExtensionValidator.message,
        models.IntegerField.default_error_messages["invalid"],
        models.FloatField.default_error_messages["invalid"],
        models.DecimalField.default_error_messages["invalid"],
        models.BooleanField.default_error_messages["invalid"],
        models.BooleanField.default_error_messages["invalid_nullable"],
        models.DateField.default_error_messages["invalid"],
        models.DateField.default_error_messages["invalid_date"],
        models.DateTimeField.default_error_messages["invalid"],
        models.DateTimeField.default_error_messages["invalid_datetime"],
        models.TimeField.default_error_messages["invalid"],
        models.TimeField.default_error_messages["invalid_time"],
        models.ForeignKey.default_error_messages["invalid"],
        models.JSONField.default_error_messages["invalid"],
        formsets.BaseFormSet.default_error_messages["missing_management_form"],
        forms.models.InlineForeignKeyField.default_error_messages["invalid_choice"],
    ]
    messages += [
        paginator.Paginator.default_error_messages["min_page"],
        paginator.Paginator.default_error_messages["no_results"],
    ]
    with translation.override("en"):
        english = [str(m) for m in messages]
    with translation.override("vi"):
        vietnamese = [str(m) for m in messages]
    untranslated = [e for e, v in zip(english, vietnamese, strict=True) if e == v]
    assert untranslated == []
