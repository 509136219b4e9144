"""The workbook import framework: read → parse → validate → commit.

Each app contributes sheets (``SheetSpec``) that plug in here (see
``register_sheet``, called from each app's ``sheets.py``). A workbook import

1. reads every sheet (xlsx/xls/ods through calamine, or CSV files named after
   the sheet) in a child process with memory and time limits, after checking the
   file's declared and actual size, rows and columns (``reading``), matching sheet names, headers and enumerated values on the folded
   form, so ``ma don vi`` is ``Mã đơn vị``;
2. parses each row into the sheet's frozen dataclass, with sheet and row number,
   collecting every cell error instead of stopping at the first;
3. validates across rows, sheets and the database (codes that must exist, scope);
4. only when there are no errors at all, commits every sheet in one transaction,
   in the sheets' fixed order, and keeps an ``ImportBatch``.

A dry run runs step 4 too and rolls it back, so the preview shows exactly the
changes a commit would make (created / updated / unchanged per sheet) without a
second, divergent diffing code path.

Importing the same workbook twice changes nothing: codes are keys and each sheet
writes only what differs. Two imports at once are serialised (SQLite takes the
write lock at BEGIN; PostgreSQL takes an advisory lock), so the second sees the
first's rows and writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from tuyengiao.lib.dates import parse_date
from tuyengiao.lib.isolated import Limits
from tuyengiao.lib.numbers import parse_int
from tuyengiao.lib.text import fold, normalize

from .reading import Cell, RawSheet, UnreadableFile, read_isolated

T = TypeVar("T")

log = logging.getLogger(__name__)

# --- errors and results -----------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str

    def as_text(self) -> str:
        where = f"Trang '{self.sheet}'" if self.sheet else "Tệp"
        if self.row is not None:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột '{self.column}'"
        value = f" (giá trị: '{self.value}')" if self.value != "" else ""
        return f"{where}{value}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass
class SheetCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass
class ImportResult:
    file_name: str
    file_hash: str
    errors: list[ImportIssue]
    warnings: list[ImportIssue]
    counts: dict[str, SheetCounts]
    committed: bool
    batch_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


class ImportRejected(Exception):
    """Raised inside the commit transaction to roll back with collected errors."""

    def __init__(self, issues: list[ImportIssue]):
        super().__init__(f"{len(issues)} lỗi")
        self.issues = issues


# --- columns and parsers ----------------------------------------------------------


def cell_text(value: Cell) -> str:
    """The cell as the user sees it, for error messages."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != dt.time()
            else (value.strftime("%d/%m/%Y"))
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def parse_text(value: Cell) -> str:
    return normalize(cell_text(value))


def parse_date_cell(value: Cell) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("ngày phải có dạng dd/mm/yyyy")
    return parse_date(str(value))


def parse_int_cell(value: Cell) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("cần một số nguyên")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("cần một số nguyên")
        return int(value)
    try:
        return parse_int(str(value))
    except ValueError as exc:
        raise ValueError(str(exc) or "cần một số nguyên") from exc


def enum_parser(choices: Mapping[str, T], label: str) -> Callable[[Cell], T | None]:
    """Match a value on its folded form: ``co``, ``Có``, ``CÓ`` are one choice."""
    folded = {fold(k): v for k, v in choices.items()}
    shown = " / ".join(f"'{k}'" for k in choices)

    def parse(value: Cell) -> T | None:
        text = cell_text(value).strip()
        if not text:
            return None
        key = fold(text)
        if key not in folded:
            raise ValueError(f"{label} phải là {shown}")
        return folded[key]

    return parse


@dataclass(frozen=True)
class Column:
    header: str  # as shown in the template, e.g. "Mã đơn vị"
    field: str  # dataclass field of the sheet's record
    required: bool = False
    parse: Callable[[Cell], Any] = parse_text
    help: str = ""

    @property
    def key(self) -> str:
        return fold(self.header)


@dataclass
class ImportContext:
    """Shared by the sheets of one import: parsed records, actor, lookups."""

    actor: Any
    records: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)

    def records_of(self, spec: SheetSpec[Record]) -> list[Record]:
        """The parsed records of ``spec``'s sheet in this import (none: not present)."""
        found: list[Record] = self.records.get(spec.name, [])
        return found

    def error(self, sheet: str, row: int | None, column: str, value: Cell, message: str) -> None:
        self.errors.append(ImportIssue(_shown(sheet), row, _shown(column), _shown(value), message))

    def warn(self, sheet: str, row: int | None, column: str, value: Cell, message: str) -> None:
        self.warnings.append(
            ImportIssue(_shown(sheet), row, _shown(column), _shown(value), message)
        )


Record = TypeVar("Record")


@dataclass(frozen=True)
class SheetSpec(Generic[Record]):
    """One sheet of the workbook: its columns, record type and behaviour.

    ``validate(records, ctx)`` reports errors through ``ctx.error``; ``commit``
    writes and returns counts. Both see ``ctx.records`` of every sheet present
    (``ctx.records_of(spec)`` gives another sheet's records with their type).
    The type checker holds ``validate`` and ``commit`` to the sheet's ``record``.
    """

    name: str
    order: int
    record: type[Record]
    columns: Sequence[Column]
    validate: Callable[[list[Record], ImportContext], None]
    commit: Callable[[list[Record], ImportContext], SheetCounts]
    key_field: str | None = None  # duplicate keys within the sheet are errors
    # Columns not in ``columns`` go into this field of the record as {header: text}
    # (a survey's answers, one column per question) instead of being ignored.
    extra_field: str | None = None

    @property
    def key(self) -> str:
        return fold(self.name)


_REGISTRY: dict[str, SheetSpec[Any]] = {}


def register_sheet(spec: SheetSpec[Record]) -> SheetSpec[Record]:
    _REGISTRY[spec.key] = spec
    return spec


def registered_sheets() -> list[SheetSpec[Any]]:
    return sorted(_REGISTRY.values(), key=lambda s: s.order)


# --- reading ------------------------------------------------------------------------


def read_workbook(
    files: Iterable[tuple[str, bytes]], limits: Limits | None = None
) -> list[RawSheet]:
    """Sheets of one or more files: a workbook, CSVs named after sheets, or a zip of such
    CSVs. Each file is read in a child process with memory, CPU and time limits, after
    its declared and actual size, rows and columns are checked (``reading``)."""
    limits = limits or Limits.from_settings()
    sheets: list[RawSheet] = []
    for name, data in files:
        sheets.extend(read_isolated(name, data, limits))
    return sheets


# Control characters other than whitespace (NUL, BEL, ESC...) never belong in a cell; PostgreSQL
# refuses NUL in text outright, so they are reported rather than stored (found by fuzzing).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _shown(value: Cell) -> str:
    """The value for an error list: control characters written as ``<U+0000>`` so that the
    list can be stored (PostgreSQL refuses NUL) and the user sees where the character is."""
    return _CONTROL.sub(lambda m: f"<U+{ord(m.group()):04X}>", cell_text(value))


def _control_error(value: Cell) -> str | None:
    if isinstance(value, str) and (found := _CONTROL.search(value)):
        return (
            f"Ô chứa ký tự điều khiển không hợp lệ (U+{ord(found.group()):04X}); hãy xoá ký tự này."
        )
    return None


def _blank(value: Cell) -> bool:
    # normalize() also drops invisible characters (soft hyphen, zero-width space):
    # a cell holding only those is empty (found by fuzzing).
    return value is None or (isinstance(value, str) and not normalize(value))


_OK, _BLANK, _BAD = 0, 1, 2


def _column_parser(column: Column) -> Callable[[Cell], tuple[int, Any]]:
    """``column.parse`` with its verdict remembered per distinct cell value.

    A big sheet repeats a few values in most columns (session codes, statuses), and
    normalising or folding each of them again was most of the parse time. Text
    cells (nearly all of them) are looked up by the text; other cells by type and
    value, since ``1``, ``1.0`` and ``True`` are equal in a dict."""
    by_text: dict[str, tuple[int, Any]] = {}
    by_value: dict[tuple[type, Cell], tuple[int, Any]] = {}
    empty = None if column.parse is not parse_text else ""

    def verdict(cell: Cell) -> tuple[int, Any]:
        if message := _control_error(cell):
            return (_BAD, message)
        if empty == "" and cell.__class__ is str:  # plain text: normalise once, not twice
            text = normalize(cell)
            return (_OK, text) if text else (_BLANK, empty)
        if _blank(cell):
            return (_BLANK, empty)
        try:
            return (_OK, column.parse(cell))
        except ValueError as exc:
            return (_BAD, str(exc))

    def parse(cell: Cell) -> tuple[int, Any]:
        if cell.__class__ is str:
            found = by_text.get(cell)
            if found is None:
                found = by_text[cell] = verdict(cell)
            return found
        key = (cell.__class__, cell)
        found = by_value.get(key)
        if found is None:
            found = by_value[key] = verdict(cell)
        return found

    return parse


def parse_sheet(spec: SheetSpec[Record], raw: RawSheet, ctx: ImportContext) -> list[Record]:
    if not raw.rows:
        ctx.warn(raw.name, None, "", "", "Trang trống, bỏ qua.")
        return []
    headers = [cell_text(h) for h in raw.rows[0]]
    by_key = {c.key: c for c in spec.columns}
    positions: dict[str, int] = {}
    extras: list[tuple[str, int]] = []
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        column = by_key.get(fold(header))
        if column is None and spec.extra_field:
            extras.append((header.strip(), index))
        elif column is None:
            ctx.warn(raw.name, 1, header, "", "Cột không được hỗ trợ, bỏ qua.")
        elif column.field in positions:
            ctx.error(raw.name, 1, header, "", "Cột bị lặp lại.")
        else:
            positions[column.field] = index
    missing = [c for c in spec.columns if c.required and c.field not in positions]
    for column in missing:
        ctx.error(raw.name, 1, column.header, "", "Thiếu cột bắt buộc.")
    if missing:
        return []
    # (field, header, required, position or -1, memoised parser) per column
    plan = [
        (c.field, c.header, c.required, positions.get(c.field, -1), _column_parser(c))
        for c in spec.columns
    ]
    blank_text: dict[str, bool] = {}

    def blank(value: Cell) -> bool:
        if value.__class__ is not str:
            return _blank(value)
        found = blank_text.get(value)
        if found is None:
            found = blank_text[value] = _blank(value)
        return found

    key_header = next((c.header for c in spec.columns if c.field == spec.key_field), "")
    # A dataclass built with ``sheet``, ``row`` and its fields.
    record: Callable[..., Record] = spec.record
    name = raw.name
    records = []
    seen: dict[Any, int] = {}
    for number, row in enumerate(raw.rows[1:], start=2):
        for value in row:
            # text starting with a letter or digit is never blank (normalize keeps it):
            # the first cell of nearly every row, without normalising it here
            if (value.__class__ is str and value[:1].isalnum()) or not blank(value):
                break
        else:
            continue  # a blank row
        values: dict[str, Any] = {}
        row_ok = True
        width = len(row)
        for field_name, header, required, position, parse in plan:
            cell = row[position] if 0 <= position < width else None
            kind, value = parse(cell)
            if kind == _OK:
                values[field_name] = value
            elif kind == _BLANK:
                if required:
                    ctx.error(name, number, header, "", "Không được để trống.")
                    row_ok = False
                values[field_name] = value
            else:
                ctx.error(name, number, header, cell, value)
                row_ok = False
        if not row_ok:
            continue
        if spec.extra_field:
            values[spec.extra_field] = {
                header: cell_text(row[position])
                for header, position in extras
                if position < width and not blank(row[position])
            }
        if spec.key_field:
            key_value = values[spec.key_field]
            key = fold(str(key_value)) if isinstance(key_value, str) else key_value
            if key in seen:
                ctx.error(name, number, key_header, key_value, f"Trùng với dòng {seen[key]}.")
                continue
            seen[key] = number
        records.append(record(sheet=name, row=number, **values))
    return records


# --- running ------------------------------------------------------------------------


def file_hash(files: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for _, data in files:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def _serialise(file_key: str) -> None:
    """Queue concurrent imports of the same data behind one another."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [7_000_001])
    # SQLite: the IMMEDIATE transaction already holds the database write lock.


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one import. A big sheet creates
    ~10 objects per row (cells, records, lookups), none of them in cycles, and each
    collection walked them again: a fifth of the import time. Reference counting
    still frees them; the collector runs again as soon as the import returns."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# An import that wrote at least this many rows refreshes the planner's statistics:
# before, the first page after a big import could take minutes on SQLite (issue 13).
ANALYZE_AFTER_ROWS = 5_000


def tables_written() -> list[str] | None:
    """The tables the current transaction has written to, schema-qualified and quoted by
    PostgreSQL itself (``pg_stat_xact_user_tables``, which counts ``COPY`` rows too);
    ``None`` elsewhere. Asked before the import commits: after it, the counts are gone."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def update_statistics(tables: Sequence[str] | None = None) -> None:
    """The query planner's statistics, after a large import: ``ANALYZE`` on PostgreSQL
    of ``tables`` (``tables_written``: the import's own, a fraction of a second where
    the whole database, with its attendance rows, took seconds), of every table when
    ``None``; on SQLite ``PRAGMA optimize`` (3.46+ analyses every table that needs it)
    or, on older versions where optimize only looks at tables it has seen queried, a
    sampled ``ANALYZE``."""
    import sqlite3

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the names come from format('%I.%I') above, quoted by the server
            cursor.execute(f"ANALYZE {', '.join(tables)}" if tables else "ANALYZE")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            if sqlite3.sqlite_version_info >= (3, 46):
                cursor.execute("PRAGMA optimize=0x10002")
            else:
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA optimize")


def run_import(
    files: Sequence[tuple[str, bytes]],
    *,
    actor: Any,
    dry_run: bool,
    only: Iterable[str] | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Import ``files`` (or preview it when ``dry_run``). ``progress(percent, message)`` is
    called between the steps, never inside the import's transaction. The files are read
    in a child process with limits (``read_workbook``); a background task or the
    ``import_workbook`` command calls this, never a web request."""
    with _collector_paused():
        return _run_import(
            files, actor=actor, dry_run=dry_run, only=only, progress=progress or _no_progress
        )


def _no_progress(percent: int, message: str) -> None:
    pass


def _run_import(
    files: Sequence[tuple[str, bytes]],
    *,
    actor: Any,
    dry_run: bool,
    only: Iterable[str] | None,
    progress: Callable[[int, str], None],
) -> ImportResult:
    from .models import ImportBatch  # the framework module stays importable without apps

    name = ", ".join(n for n, _ in files)
    digest = file_hash(files)
    ctx = ImportContext(actor=actor)
    result = ImportResult(name, digest, ctx.errors, ctx.warnings, {}, committed=False)
    progress(10, "Đang đọc tệp")
    try:
        raw_sheets = read_workbook(files)
    except UnreadableFile as exc:
        ctx.error("", None, "", "", str(exc))
        return result
    progress(40, "Đang kiểm tra từng dòng")
    allowed = {fold(s) for s in only} if only is not None else None
    specs = {s.key: s for s in registered_sheets()}
    present: list[tuple[SheetSpec[Any], RawSheet]] = []
    for raw in raw_sheets:
        spec = specs.get(fold(raw.name))
        if spec is None or (allowed is not None and spec.key not in allowed):
            ctx.warn(raw.name, None, "", "", "Trang không được hỗ trợ, bỏ qua.")
            continue
        if any(s.key == spec.key for s, _ in present):
            ctx.error(raw.name, None, "", "", "Trang xuất hiện hai lần.")
            continue
        present.append((spec, raw))
    if not present and not ctx.errors:
        names = ", ".join(f"'{s.name}'" for s in registered_sheets())
        ctx.error("", None, "", "", f"Tệp không có trang dữ liệu nào được hỗ trợ ({names}).")
    present.sort(key=lambda pair: pair[0].order)
    for spec, raw in present:
        ctx.records[spec.name] = parse_sheet(spec, raw, ctx)
        raw.rows = []  # the cells are not needed any more (100.000 rows: ~100 MB)
    # Validate the rows that parsed even when others did not, so that one upload
    # lists every error the user has to fix, not one round at a time.
    for spec, _ in present:
        spec.validate(ctx.records[spec.name], ctx)
    if ctx.errors:
        return _finish(result, ctx, dry_run, ImportBatch)

    class _DryRunRollback(Exception):
        pass

    progress(70, "Đang thử ghi để xem trước các thay đổi" if dry_run else "Đang ghi dữ liệu")
    # Observable by an operator (and by the test that proves two imports overlap).
    log.info("import %s: waiting for the write lock", name)
    written_tables: list[str] | None = None
    try:
        with transaction.atomic():
            _serialise(digest)
            for spec, _ in present:
                counts = spec.commit(ctx.records[spec.name], ctx)
                counts.rows = len(ctx.records[spec.name])
                result.counts[spec.name] = counts
            if dry_run:
                raise _DryRunRollback
            written_tables = tables_written()
            batch = ImportBatch.objects.create(
                file_name=name[:255],
                file_hash=digest,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                status=ImportBatch.Status.COMMITTED,
                counts={k: v.as_dict() for k, v in result.counts.items()},
                warnings=[w.as_dict() for w in ctx.warnings],
            )
            result.batch_id = batch.pk
            result.committed = True
    except _DryRunRollback:
        pass
    except ImportRejected as rejected:
        result.counts.clear()
        ctx.errors.extend(rejected.issues)
        return _finish(result, ctx, dry_run, ImportBatch)
    except (ValidationError, PermissionDenied) as exc:
        # A service refused a row that validation let through (bad data or a
        # permission): still all or nothing, and the user sees the service's
        # message instead of a crash. Sheets list refusals per row themselves.
        result.counts.clear()
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        for message in messages:
            ctx.error("", None, "", "", message or "Bạn không có quyền thực hiện thay đổi này.")
        return _finish(result, ctx, dry_run, ImportBatch)
    if result.committed:
        written = sum(c.created + c.updated for c in result.counts.values())
        if written >= ANALYZE_AFTER_ROWS:
            update_statistics(written_tables)
    return result


def _finish(
    result: ImportResult, ctx: ImportContext, dry_run: bool, batch_model: Any
) -> ImportResult:
    """A rejected import keeps a batch row (who tried what, and why it failed)."""
    if not dry_run:
        batch = batch_model.objects.create(
            file_name=result.file_name[:255],
            file_hash=result.file_hash,
            actor=ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None,
            status=batch_model.Status.REJECTED,
            counts={},
            errors=[e.as_dict() for e in ctx.errors[:1000]],
            error_count=len(ctx.errors),
            warnings=[w.as_dict() for w in ctx.warnings[:1000]],
        )
        result.batch_id = batch.pk
    return result
