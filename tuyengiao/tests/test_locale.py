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
