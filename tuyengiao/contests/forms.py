from __future__ import annotations

from django import forms

from .models import Audience, Kind

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"]


class BankForm(forms.Form):
    code = forms.CharField(label="Mã ngân hàng", max_length=64)
    name = forms.CharField(label="Tên ngân hàng", max_length=255)


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp câu hỏi (Aiken, GIFT hoặc Excel)")


class ContestForm(forms.Form):
    code = forms.CharField(label="Mã cuộc thi", max_length=64)
    title = forms.CharField(label="Tên cuộc thi", max_length=255)
    bank = forms.CharField(label="Mã ngân hàng câu hỏi", max_length=64)
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices)
    audience = forms.ChoiceField(label="Đối tượng", choices=Audience.choices)
    units = forms.CharField(
        label="Mã các đơn vị dự thi (cách nhau bởi dấu phẩy; trống: cả đơn vị tổ chức)",
        required=False,
        max_length=2000,
    )
    members = forms.CharField(
        label="Mã các đảng viên dự thi (khi đối tượng là đảng viên được chọn; cách nhau bởi dấu phẩy)",
        required=False,
        max_length=5000,
    )
    questions_per_attempt = forms.IntegerField(
        label="Số câu mỗi lượt", min_value=1, max_value=200, initial=10
    )
    ask_guess = forms.BooleanField(
        label="Có câu dự đoán số người trả lời đúng tất cả", required=False
    )


class RoundForm(forms.Form):
    opens_at = forms.DateTimeField(
        label="Mở lúc (dd/mm/yyyy hh:mm)", input_formats=DATETIME_FORMATS
    )
    closes_at = forms.DateTimeField(
        label="Đóng lúc (dd/mm/yyyy hh:mm)", input_formats=DATETIME_FORMATS
    )
    attempts_allowed = forms.IntegerField(
        label="Số lượt mỗi người", min_value=1, max_value=100, initial=1
    )
    time_limit_minutes = forms.IntegerField(
        label="Thời gian mỗi lượt (phút)", min_value=1, max_value=1440, initial=10
    )


class PublicEntryForm(forms.Form):
    """A visitor's name and unit. The unit is a code the page offers from a search
    (a national contest may list thousands); ``services.participant_public`` checks
    that it is one of the contest's."""

    full_name = forms.CharField(label="Họ và tên", max_length=120)
    unit = forms.CharField(label="Đơn vị", max_length=64)
