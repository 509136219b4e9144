"""Text out of document files (PDF, DOCX, TXT) and the header of a Vietnamese document.

Pure functions: no database. Text extraction runs in a child process with memory, CPU and
time limits (``extract_text``; the child runs ``extract_text_unbounded``). Every failure is a ``ValidationError`` with a Vietnamese
message naming the file, so a command or a form can show it as is.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError

from tuyengiao.lib import isolated
from tuyengiao.lib.isolated import Limits
from tuyengiao.lib.refs import KIND_CODES, Ref, extract_refs, normalize_for_refs
from tuyengiao.lib.text import fold, normalize

SUPPORTED = (".txt", ".docx", ".pdf")
CONTENT_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
MAX_BYTES = 20 * 1024 * 1024


def clean_text(text: str) -> str:
    """NFC, ``Ð`` repaired, invisible characters removed, Windows line ends unified; lines
    and paragraph breaks are kept (unlike ``normalize``, which is for one line)."""
    text = normalize_for_refs(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(c for c in text if c not in "\u00ad\u200b\u200c\u200d\u2060\ufeff\x00")
    return unicodedata.normalize("NFC", text).strip()


def extract_text(name: str, data: bytes, limits: Limits | None = None) -> str:
    """The text of a .txt, .docx or .pdf file, cleaned; raises ``ValidationError``.

    The file is parsed in a child process with memory, CPU and time limits
    (``tuyengiao.lib.isolated``): a hostile PDF or DOCX costs that child, never the caller.
    """
    _check_name_and_size(name, data)
    limits = limits or Limits.from_settings()
    try:
        text = isolated.run("document_text", name, data, limits)
    except isolated.Refused as exc:
        raise ValidationError(str(exc)) from exc
    return str(text)


def extract_text_unbounded(name: str, data: bytes, limits: Limits) -> str:
    """``extract_text`` in this process: the child's job. A DOCX's zip is checked first
    (member count, actual decompressed size, ratios); the text is capped."""
    _check_name_and_size(name, data)
    suffix = Path(name).suffix.lower()
    if suffix == ".txt":
        text = _txt(name, data)
    elif suffix == ".docx":
        _check_docx_zip(name, data, limits)
        text = _docx(name, data)
    else:
        text = _pdf(name, data)
    if len(text) > limits.max_text_chars:
        raise ValidationError(
            f"Tệp '{name}' có hơn {limits.max_text_chars:,} ký tự chữ, vượt giới hạn của một "
            "văn bản đính kèm; hãy chia nhỏ tệp.".replace(",", ".")
        )
    text = clean_text(text)
    if not text:
        raise ValidationError(f"Tệp '{name}' không có nội dung chữ.")
    return text


def _check_docx_zip(name: str, data: bytes, limits: Limits) -> None:
    import zipfile

    from tuyengiao.lib.bounded import ZipBudget, check_zip

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = ZipBudget(name, limits)
            for info in check_zip(name, archive, limits):
                for _ in budget.chunks(archive, info):
                    pass
    except isolated.Refused as exc:
        raise ValidationError(str(exc)) from exc
    except Exception as exc:  # zipfile and zlib raise various errors for damaged files
        raise ValidationError(
            f"Không đọc được tệp '{name}': không phải tệp Word .docx hợp lệ hoặc tệp bị hỏng."
        ) from exc


def _check_name_and_size(name: str, data: bytes) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise ValidationError(
            f"Tệp '{name}': chỉ hỗ trợ tệp .txt, .docx và .pdf (tệp này là '{suffix or 'không có đuôi'}')."
        )
    if not data:
        raise ValidationError(f"Tệp '{name}' rỗng.")
    if len(data) > MAX_BYTES:
        raise ValidationError(f"Tệp '{name}' lớn hơn 20 MB.")


def _txt(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:4096]:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    raise ValidationError(
        f"Tệp '{name}' không phải văn bản chữ mã UTF-8 (có thể là tệp nhị phân hoặc mã cũ "
        "TCVN3/VNI); hãy lưu lại dưới dạng UTF-8."
    )


def _docx(name: str, data: bytes) -> str:
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile, lxml and python-docx raise various errors
        raise ValidationError(
            f"Không đọc được tệp '{name}': không phải tệp Word .docx hợp lệ hoặc tệp bị hỏng."
        ) from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                if cell.text not in cells:  # merged cells repeat their text
                    cells.append(cell.text)
            lines.append("\t".join(cells))
    return "\n".join(lines)


def _pdf(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise ValidationError(f"Tệp PDF '{name}' có mật khẩu, không đọc được.") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except ValidationError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises more than PdfReadError
        raise ValidationError(
            f"Không đọc được tệp '{name}': không phải tệp PDF hợp lệ hoặc tệp bị hỏng."
        ) from exc
    text = "\n".join(pages)
    if not text.strip():
        raise ValidationError(
            f"Tệp PDF '{name}' không có lớp chữ (có thể là bản quét ảnh); hệ thống chưa "
            "nhận dạng chữ từ ảnh."
        )
    return text


# --- the header of a document ------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    ref: Ref | None  # the document's own symbol ("Số: 57-NQ/TW")
    issue_date: dt.date | None
    kind: str | None
    title: str


_SO_BEFORE = re.compile(r"(?:^|\s{2,}|\t|\*\s*)(?:số|so)\s*:?\s*$", re.IGNORECASE)
_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_KIND_BY_FOLD = {fold(k): k for k in KIND_CODES}
_RULE = re.compile(r"^[\s\-–—_=*.]+$")
HEADER_LINES = 25


def _own_symbol(lines: list[str]) -> Ref | None:
    for line in lines[:HEADER_LINES]:
        for ref in extract_refs(line):
            if ref.system == "bare":
                continue
            if _SO_BEFORE.search(line[: ref.start]):
                return ref
    return None


def _issue_date(lines: list[str]) -> dt.date | None:
    for line in lines[:HEADER_LINES]:
        m = _DATE.search(fold(line))
        if m:
            try:
                return dt.date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                return None
    return None


def sentence_case(s: str) -> str:
    """``VỀ ĐỘT PHÁ PHÁT TRIỂN`` → ``Về đột phá phát triển`` (only for all-caps lines;
    symbols such as ``57-NQ/TW`` stay as written; proper names are lowered too)."""
    letters = [c for c in s if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return s
    lower = s.lower()
    if len(lower) == len(s):  # keep document symbols as written: 57-NQ/TW
        for ref in extract_refs(s):
            if ref.system != "bare":
                lower = lower[: ref.start] + s[ref.start : ref.end] + lower[ref.end :]
    return lower[:1].upper() + lower[1:]


def kind_heading(line: str) -> str | None:
    return _KIND_BY_FOLD.get(fold(line).strip(" .:"))


def parse_header(text: str) -> Header:
    raw = [line.strip() for line in normalize_for_refs(text).split("\n")]
    ref = _own_symbol([line for line in raw if line])
    lines = [normalize(line) for line in raw]
    non_empty = [line for line in lines if line]
    issue_date = _issue_date(non_empty)
    kind: str | None = None
    title = ""
    for index, line in enumerate(lines[: HEADER_LINES * 2]):
        found = kind_heading(line)
        if found is None:
            continue
        kind = found
        parts: list[str] = []
        for following in lines[index + 1 : index + 8]:
            if not following:
                if parts:
                    break
                continue
            if _RULE.match(following):
                if parts:
                    break
                continue
            folded = fold(following)
            if not parts and folded.startswith(("cua ", "cua:")) and len(folded) < 40:
                continue  # "CỦA BỘ CHÍNH TRỊ" under "KẾT LUẬN"
            parts.append(following)
            if len(parts) == 4:
                break
        title = sentence_case(" ".join(parts))
        break
    if not title:
        title = non_empty[0] if non_empty else ""
    if kind is None and ref is not None:
        kind = ref.kind
    return Header(ref=ref, issue_date=issue_date, kind=kind, title=normalize(title)[:1000])
