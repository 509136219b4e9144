"""Report files from a ``Report`` (every registered section): DOCX (Party layout), XLSX, JSON."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..selectors import Report


def filename_for(figures: Report, fmt: str) -> str:
    return f"bao-cao-{figures.unit_code}-{figures.date_from:%Y%m%d}-{figures.date_to:%Y%m%d}.{fmt}"


def build_report(figures: Report, fmt: str, *, signer: str = "") -> tuple[bytes, str]:
    if fmt == "docx":
        from .docx import build_docx

        return build_docx(figures, signer=signer), filename_for(figures, fmt)
    if fmt == "xlsx":
        from .xlsx import build_xlsx

        return build_xlsx(figures), filename_for(figures, fmt)
    if fmt == "json":
        from .jsonfile import build_json

        return build_json(figures), filename_for(figures, fmt)
    raise ValidationError(f"Định dạng '{fmt}' không được hỗ trợ (docx, xlsx hoặc json).")
