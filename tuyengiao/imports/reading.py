"""Reading an uploaded workbook into raw sheets, with a bounded cost.

Before a file reaches a reader (calamine, ``csv``), its cost is checked from what it
declares and what it actually holds:

* a zip container (``.xlsx``, ``.xlsm``, ``.ods``, ``.zip`` of CSV): number of members,
  declared and *actual* decompressed size (members are streamed, never trusted), and the
  compression ratio of each member above 1 MB;
* an XLSX worksheet: its ``<dimension ref=...>`` and the largest row and column any
  ``<row r=...>`` or ``<c r=...>`` names, against the row and column caps (a 1 KB file
  with one cell at ``XFD1048576`` made calamine allocate 512 GiB);
* a CSV: rows and columns counted as they are read;
* any other sheet (``.xls``, ``.ods``): calamine's height and width before its cells are
  turned into Python values.

No Django here: this module runs in the child process of ``tuyengiao.lib.isolated``
(``read_file_as_json``), which adds memory, CPU and wall-clock limits for what the checks
above cannot foresee. ``import_workbook`` and the background task both go through it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tuyengiao.lib.bounded import ZipBudget, check_zip
from tuyengiao.lib.isolated import Limits, Refused

Cell = Any  # what calamine or csv gives: str, int, float, bool, date, datetime, None

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ALLOWED_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv", ".zip")
_ZIPPED = (".xlsx", ".xlsm", ".ods", ".zip", ".docx")
_CHUNK = 1 << 16


@dataclass
class RawSheet:
    name: str
    rows: list[list[Cell]]  # row 0 is the header row (workbook row 1)


class UnreadableFile(Refused):
    """The file cannot be read, or reading it would cost more than the limits allow."""


def _fmt(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _over(rows: int, columns: int, limits: Limits) -> bool:
    return (
        rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells
    )


def _too_big(name: str, where: str, rows: int, columns: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        f"Tệp '{name}'{where} có {_fmt(rows)} dòng × {_fmt(columns)} cột "
        f"({_fmt(rows * columns)} ô), vượt giới hạn {_fmt(limits.max_rows)} dòng, "
        f"{_fmt(limits.max_columns)} cột và {_fmt(limits.max_cells)} ô mỗi trang. Nếu dữ liệu "
        "thật ít hơn, hãy xoá các dòng, cột trống ở cuối trang (Ctrl+End cho biết ô cuối cùng) "
        "rồi lưu lại; nếu không, hãy chia tệp thành nhiều tệp nhỏ."
    )


# --- zip containers ---------------------------------------------------------------------


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"(?:[A-Z]+[0-9]+:)?([A-Z]+)([0-9]+)\"")
# In a worksheet only <row> and <c> carry an attribute named exactly "r".
_R_ATTRIBUTE = re.compile(rb' r="([A-Z]{0,3})([0-9]{1,9})"')
# The same attributes, the row number alone and the column letters alone: two lists of
# bytes instead of a list of pairs (100.000 rows: 0,64 -> 0,36 s).
_R_NUMBER = re.compile(rb' r="[A-Z]{0,3}([0-9]{1,9})"')
_R_LETTERS = re.compile(rb' r="([A-Z]{1,3})[0-9]{1,9}"')


def column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode():
        number = number * 26 + ord(char) - 64
    return number


def _longest_max(values: list[bytes]) -> bytes:
    """The largest of digit strings (or of column letters): the longest, then by bytes."""
    longest = max(map(len, values))
    return max(v for v in values if len(v) == longest)


def _widest(scan: bytes, rows: int, widest: bytes) -> tuple[int, bytes]:
    """The largest row number and the widest column letters named in ``scan`` and so far
    (what ``_R_ATTRIBUTE`` finds, in two passes: distinct values first, in C)."""
    numbers = set(_R_NUMBER.findall(scan))
    if not numbers:
        return rows, widest
    rows = max(rows, int(_longest_max(list(numbers))))
    letters = set(_R_LETTERS.findall(scan))
    return rows, _longest_max([widest, *letters])


def _xlsx_extent(chunks: Iterator[bytes]) -> tuple[int, int, int]:
    """Declared and actual extent of one worksheet XML: (rows, columns, row tags)."""
    rows = columns = tags = 0
    widest = b""
    tail = b""
    for chunk in chunks:
        text = tail + chunk
        # cut before the last tag so that an attribute is never split between rounds (a tag
        # longer than a chunk is cut anyway: the child's memory limit still holds)
        cut = text.rfind(b"<", max(0, len(text) - _CHUNK), len(text) - 64)
        if cut <= 0:
            cut = max(0, len(text) - 64)
        scan, tail = text[:cut], text[cut:]
        if rows == 0 and (found := _DIMENSION.search(scan)):
            rows = int(found[2])
            widest = found[1]
        rows, widest = _widest(scan, rows, widest)
        tags += scan.count(b"<row") + scan.count(b":row ")
    rows, widest = _widest(tail, rows, widest)
    tags += tail.count(b"<row") + tail.count(b":row ")
    if widest:
        columns = column_number(widest)
    return rows, columns, tags


def check_xlsx(name: str, data: bytes, limits: Limits) -> None:
    """Declared and actual sheet extents of an XLSX, before calamine sees it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = ZipBudget(name, limits)
            for index, info in enumerate(check_zip(name, archive, limits), start=1):
                member = info.filename
                if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                    budget.left -= info.file_size  # counted, read by calamine later
                    continue
                rows, columns, tags = _xlsx_extent(budget.chunks(archive, info))
                rows = max(rows, tags)
                if _over(rows, columns, limits):
                    sheet = re.sub(r"\D", "", Path(member).stem) or str(index)
                    raise _too_big(name, f", trang tính thứ {sheet},", rows, columns, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnreadableFile(
            f"Không đọc được tệp '{name}': không phải bảng tính Excel hợp lệ hoặc tệp bị hỏng."
        ) from exc


# --- readers ------------------------------------------------------------------------------


def _read_csv(name: str, data: bytes, limits: Limits) -> RawSheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"Tệp CSV '{name}' không phải mã UTF-8; hãy lưu lại dưới dạng 'CSV UTF-8'."
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Cell]] = []
    cells = widest = 0
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            cells += len(row)
            widest = max(widest, len(row))
            if _over(len(rows) + 1, widest, limits) or cells > limits.max_cells:
                raise _too_big(name, "", len(rows) + 1, widest, limits)
            rows.append(row)
    except csv.Error as exc:  # found by fuzzing: stray carriage returns, bad quoting
        raise UnreadableFile(
            f"Tệp CSV '{name}' bị hỏng (xuống dòng hoặc dấu ngoặc kép không hợp lệ); "
            "hãy mở bằng Excel và lưu lại dưới dạng 'CSV UTF-8'."
        ) from exc
    return RawSheet(name=Path(name).stem, rows=rows)


def _read_zip_of_csv(name: str, data: bytes, limits: Limits) -> list[RawSheet]:
    sheets: list[RawSheet] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = ZipBudget(name, limits)
            sheets.extend(
                _read_csv(info.filename, budget.read(archive, info), limits)
                for info in check_zip(name, archive, limits)
                if info.filename.lower().endswith(".csv")
            )
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        # bad archive, damaged member, encrypted or unsupported compression
        raise UnreadableFile(f"Tệp '{name}' không phải tệp nén zip hợp lệ.") from exc
    return sheets


def _read_spreadsheet(name: str, data: bytes, limits: Limits) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data[:2] == b"PK":
        if suffix == ".ods":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    budget = ZipBudget(name, limits)
                    for info in check_zip(name, archive, limits):
                        for _ in budget.chunks(archive, info):
                            pass
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise UnreadableFile(f"Không đọc được tệp '{name}': tệp bị hỏng.") from exc
        else:
            check_xlsx(name, data, limits)
    sheets = []
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for sheet_name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(sheet_name)
            # the extent counted from A1, as to_python(skip_empty_area=False) fills it
            rows, columns = sheet.total_height, sheet.total_width
            if _over(rows, columns, limits):
                raise _too_big(name, f", trang '{sheet_name}',", rows, columns, limits)
            cells = sheet.to_python(skip_empty_area=False)
            sheets.append(RawSheet(name=sheet_name, rows=[list(r) for r in cells]))
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine raises several error types for bad files
        raise UnreadableFile(
            f"Không đọc được tệp '{name}': không phải bảng tính Excel (.xlsx, .xls, .ods) "
            "hoặc CSV, hoặc tệp bị hỏng."
        ) from exc
    return sheets


def read_file(name: str, data: bytes, limits: Limits) -> list[RawSheet]:
    """The sheets of one file, in this process (the checks above, no resource limits)."""
    if len(data) > limits.max_bytes:
        raise UnreadableFile(
            f"Tệp '{name}' vượt giới hạn {_fmt(limits.max_bytes // (1024 * 1024))} MB."
        )
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return [_read_csv(name, data, limits)]
    if suffix == ".zip":
        return _read_zip_of_csv(name, data, limits)
    return _read_spreadsheet(name, data, limits)


def read_file_as_json(name: str, data: bytes, limits: Limits) -> list[dict[str, Any]]:
    """``read_file`` for the child process of ``tuyengiao.lib.isolated``."""
    return [{"name": s.name, "rows": s.rows} for s in read_file(name, data, limits)]


def read_isolated(name: str, data: bytes, limits: Limits) -> list[RawSheet]:
    """The sheets of one file, read in a child process with memory, CPU and time limits."""
    from tuyengiao.lib import isolated

    try:
        sheets = isolated.run("workbook", name, data, limits)
    except Refused as exc:
        raise UnreadableFile(str(exc)) from exc
    return [RawSheet(name=s["name"], rows=s["rows"]) for s in sheets]
