"""Question files other systems read and write: Aiken, Moodle GIFT and our XLSX
template. Pure (no Django): text in, ``ParsedQuestion`` records (with the line or row
they came from) out; every problem is collected as a ``Problem`` with its line, in
Vietnamese, and the caller writes nothing unless there are none.

Aiken (Moodle's ``qformat_aiken``): the stem, options ``A.`` / ``A)`` one per line,
then ``ANSWER: B``; ``Đáp án: B`` is accepted too. Our extension lines after the
answer, ``Nguồn: 57-NQ/TW, đoạn 3`` and ``Giải thích: ...``, are read if present.

GIFT (Moodle's ``qformat_gift``): questions separated by blank lines; ``//`` comment
lines (``// Nguồn: 57-NQ/TW, đoạn 3`` before a question is its source; Moodle ignores
it); ``$CATEGORY:`` lines; ``::title::``; ``[html]``-style formats; the answer block
``{...}`` holding multiple choice (``=right ~wrong``, ``%100%`` weights, ``#feedback``,
``####general feedback``) or true/false (``T``, ``F``, ``TRUE``, ``FALSE``); text after
the block makes a missing-word question. The escapes ``\\~ \\= \\# \\{ \\} \\:`` and
``\\n`` are honoured. Other GIFT kinds (short answer, numerical, matching, essay) are
refused with the line where they are.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tuyengiao.lib.numbers import is_digits

LETTERS = "ABCDEF"
TRUE_FALSE = ["Đúng", "Sai"]
MAX_CHOICES = len(LETTERS)


@dataclass(frozen=True)
class ParsedQuestion:
    line: int  # where the question starts (line of a text file, row of a sheet)
    text: str
    choices: tuple[str, ...]
    answer: int
    explanation: str = ""
    source: str = ""  # a document symbol as written
    paragraph: int | None = None
    approved: bool | None = None  # None: the file does not say


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    column: str = ""
    value: str = ""

    def __str__(self) -> str:
        where = f"Dòng {self.line}" + (f", cột '{self.column}'" if self.column else "")
        shown = f" (giá trị: '{self.value[:60]}')" if self.value else ""
        return f"{where}: {self.message}{shown}"


@dataclass
class Parsed:
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


_SOURCE = re.compile(r"^(?P<symbol>.*?)(?:\s*[,;]\s*đoạn\s*(?P<n>\d+))?\s*$", re.IGNORECASE)


def parse_source(raw: str) -> tuple[str, int | None]:
    """``"57-NQ/TW, đoạn 3"`` → ``("57-NQ/TW", 3)``; ``"57-NQ/TW"`` → ``("57-NQ/TW", None)``."""
    m = _SOURCE.match(raw.strip())
    if m is None:  # the pattern matches any text; kept for the type checker
        return raw.strip(), None
    n = m.group("n")
    return m.group("symbol").strip(), int(n) if n else None


def detect(name: str, data: bytes) -> str:
    """The format of an uploaded file from its name (then its content)."""
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".ods")):
        return "xlsx"
    if lower.endswith(".gift"):
        return "gift"
    if lower.endswith(".aiken"):
        return "aiken"
    text = data[:20000].decode("utf-8", errors="replace")
    return "gift" if re.search(r"\{[^}]*[=~]|\{\s*(T|F|TRUE|FALSE)\s*[}#]", text) else "aiken"


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark dropped); anything else is refused in Vietnamese."""
    try:
        return _clean(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError(
            "Tệp không phải văn bản UTF-8; hãy lưu lại với mã hóa UTF-8 (Unicode)."
        ) from exc


# --- Aiken -------------------------------------------------------------------------

_OPTION = re.compile(r"^\s*([A-Fa-f])\s*[.)]\s*(.*\S)\s*$")
_ANSWER = re.compile(r"^\s*(?:ANSWER|Đáp\s*án)\s*:\s*(\S*)\s*$", re.IGNORECASE)
_EXTRA = re.compile(r"^\s*(Nguồn|Giải\s*thích)\s*:\s*(.*?)\s*$", re.IGNORECASE)


def parse_aiken(text: str) -> Parsed:
    out = Parsed()
    lines = _clean(text).split("\n")
    i = 0
    n = len(lines)
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        start = i + 1
        stem: list[str] = []
        while i < n and lines[i].strip() and not _OPTION.match(lines[i]):
            if _ANSWER.match(lines[i]):
                break
            stem.append(lines[i].strip())
            i += 1
        options: list[tuple[str, str, int]] = []
        while i < n and (m := _OPTION.match(lines[i])):
            options.append((m.group(1).upper(), m.group(2), i + 1))
            i += 1
        problems: list[Problem] = []
        if not stem:
            problems.append(Problem(start, "Thiếu nội dung câu hỏi trước các phương án."))
        if len(options) < 2:
            problems.append(Problem(start, "Câu hỏi cần ít nhất 2 phương án (A. ..., B. ...)."))
        for k, (letter, _, line) in enumerate(options):
            if letter != LETTERS[k]:
                problems.append(
                    Problem(line, f"Phương án thứ {k + 1} phải là '{LETTERS[k]}'.", value=letter)
                )
                break
        answer_index = -1
        if i < n and (m := _ANSWER.match(lines[i])):
            letter = m.group(1).upper()
            letters = [o[0] for o in options]
            if letter not in letters:
                problems.append(
                    Problem(
                        i + 1,
                        "Đáp án phải là chữ cái của một phương án"
                        + (f" ({', '.join(letters)})." if letters else "."),
                        value=m.group(1),
                    )
                )
            else:
                answer_index = letters.index(letter)
            i += 1
        else:
            where = i + 1 if i < n else n
            problems.append(
                Problem(
                    where,
                    "Thiếu dòng đáp án 'ANSWER: X' hoặc 'Đáp án: X' sau các phương án"
                    + (
                        f" (gặp: '{lines[i].strip()[:40]}')." if i < n and lines[i].strip() else "."
                    ),
                )
            )
            while i < n and lines[i].strip():  # skip the rest of this block
                i += 1
        source, paragraph, explanation = "", None, ""
        while i < n and (m := _EXTRA.match(lines[i])):
            if m.group(1).lower().startswith("ngu"):
                source, paragraph = parse_source(m.group(2))
            else:
                explanation = m.group(2)
            i += 1
        if problems:
            out.problems.extend(problems)
            continue
        out.questions.append(
            ParsedQuestion(
                line=start,
                text=" ".join(stem),
                choices=tuple(o[1] for o in options),
                answer=answer_index,
                explanation=explanation,
                source=source,
                paragraph=paragraph,
            )
        )
    return out


# --- GIFT --------------------------------------------------------------------------

# Escaped specials become private-use characters while the block is parsed, then go
# back to the characters they stand for.
_ESCAPES = {"\\\\": "\ue006", "\\~": "\ue000", "\\=": "\ue001", "\\#": "\ue002"}
_ESCAPES |= {"\\{": "\ue003", "\\}": "\ue004", "\\:": "\ue005", "\\n": "\n"}
_UNESCAPE = {v: k[1] for k, v in _ESCAPES.items() if k != "\\n"}
_ESCAPE_RE = re.compile(r"\\[\\~=#{}:n]")
_SOURCE_COMMENT = re.compile(r"^\s*//\s*Nguồn\s*:\s*(.*)$", re.IGNORECASE)
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _protect(s: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], s)


def _restore(s: str) -> str:
    for k, v in _UNESCAPE.items():
        s = s.replace(k, v)
    return _one_line(s)


def _gift_blocks(text: str) -> Iterable[tuple[int, list[str], str]]:
    """(first line, lines, source comment) per question: blank lines separate
    questions, except inside an answer block."""
    lines = _clean(text).split("\n")
    block: list[str] = []
    first = 0
    source = ""
    pending_source = ""
    depth = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if depth == 0 and stripped.startswith("//"):
            if m := _SOURCE_COMMENT.match(stripped):
                pending_source = m.group(1).strip()
            continue
        if depth == 0 and not stripped:
            if block:
                yield first, block, source
                block = []
            continue
        if depth == 0 and not block and stripped.startswith("$CATEGORY:"):
            continue
        if not block:
            first, source, pending_source = number, pending_source, ""
        # a comment at the end of a line (outside the block) goes; "//" inside text
        # such as a URL is rare in a question bank and must be escaped in GIFT anyway
        protected = _protect(raw)
        depth += protected.count("{") - protected.count("}")
        depth = max(depth, 0)
        block.append(raw)
    if block:
        yield first, block, source


def _parse_gift_question(first: int, lines: list[str], source_raw: str) -> ParsedQuestion | Problem:
    body = _protect("\n".join(lines)).strip()
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            return Problem(first, "Tên câu hỏi mở bằng '::' nhưng không đóng bằng '::'.")
        body = body[end + 2 :].strip()
    body = _FORMAT.sub("", body).strip()
    open_at = body.find("{")
    if open_at < 0:
        return Problem(first, "Thiếu phần đáp án trong ngoặc nhọn { ... }.")
    close_at = body.find("}", open_at)
    if close_at < 0:
        return Problem(first, "Thiếu dấu '}' đóng phần đáp án.")
    if body.find("{", open_at + 1) >= 0 and body.find("{", open_at + 1) < close_at:
        return Problem(first, "Dấu '{' lồng nhau; hãy viết '\\{' nếu là chữ.")
    before, block, after = body[:open_at], body[open_at + 1 : close_at], body[close_at + 1 :]
    if "{" in after or "}" in after:
        return Problem(first, "Mỗi câu hỏi chỉ có một phần đáp án { ... }.")
    stem = _restore(before)
    if after.strip():
        stem = _restore(before + " _____ " + after)
    if not stem:
        return Problem(first, "Thiếu nội dung câu hỏi.")
    block = _FORMAT.sub("", block.strip()).strip()
    general = ""
    if "####" in block:
        block, general = block.split("####", 1)
        block = block.strip()
    symbol, paragraph = parse_source(source_raw) if source_raw else ("", None)
    tf = re.fullmatch(r"(TRUE|FALSE|T|F)\s*(#.*)?", block, flags=re.IGNORECASE | re.DOTALL)
    if tf:
        truth = tf.group(1).upper().startswith("T")
        return ParsedQuestion(
            line=first,
            text=stem,
            choices=tuple(TRUE_FALSE),
            answer=0 if truth else 1,
            explanation=_restore(general),
            source=symbol,
            paragraph=paragraph,
        )
    if not block:
        return Problem(first, "Câu hỏi tự luận ({}) không dùng được trong cuộc thi trắc nghiệm.")
    if block.startswith("#"):
        return Problem(
            first, "Câu hỏi dạng số (#) chưa được hỗ trợ; chỉ nhận trắc nghiệm, đúng/sai."
        )
    if "->" in block:
        return Problem(
            first, "Câu hỏi ghép đôi (->) chưa được hỗ trợ; chỉ nhận trắc nghiệm, đúng/sai."
        )
    if "~" not in block:
        return Problem(
            first,
            "Câu hỏi trả lời ngắn (chỉ có '=') chưa được hỗ trợ; trắc nghiệm cần phương án sai '~'.",
        )
    parts = re.split(r"([=~])", block)
    if parts[0].strip():
        return Problem(
            first,
            "Mỗi phương án phải bắt đầu bằng '=' (đúng) hoặc '~' (sai).",
            value=_restore(parts[0]),
        )
    choices: list[str] = []
    right: list[int] = []
    for k in range(1, len(parts) - 1, 2):
        mark, raw = parts[k], parts[k + 1].strip()
        text, _, _feedback = raw.partition("#")
        text = text.strip()
        weight = 100.0 if mark == "=" else 0.0
        if m := _WEIGHT.match(text):
            weight = float(m.group(1))
            text = text[m.end() :].strip()
        if not text:
            return Problem(first, f"Phương án thứ {len(choices) + 1} để trống.")
        if weight >= 100:
            right.append(len(choices))
        elif weight > 0:
            return Problem(
                first,
                "Câu nhiều đáp án đúng theo tỷ lệ (%50%) chưa được hỗ trợ; mỗi câu một đáp án đúng.",
                value=_restore(text),
            )
        choices.append(_restore(text))
    if len(right) != 1:
        return Problem(
            first,
            "Câu trắc nghiệm cần đúng một phương án đúng ('=')"
            + (f"; có {len(right)}." if right else "; không có phương án nào đúng."),
        )
    if len(choices) > MAX_CHOICES:
        return Problem(first, f"Tối đa {MAX_CHOICES} phương án một câu; có {len(choices)}.")
    return ParsedQuestion(
        line=first,
        text=stem,
        choices=tuple(choices),
        answer=right[0],
        explanation=_restore(general),
        source=symbol,
        paragraph=paragraph,
    )


def parse_gift(text: str) -> Parsed:
    out = Parsed()
    for first, lines, source in _gift_blocks(text):
        got = _parse_gift_question(first, lines, source)
        if isinstance(got, Problem):
            out.problems.append(got)
        else:
            out.questions.append(got)
    return out


# --- the XLSX template -------------------------------------------------------------

SHEET = "Câu hỏi"
COLUMNS = [
    "Câu hỏi",
    *[f"Phương án {c}" for c in LETTERS],
    "Đáp án",
    "Văn bản",
    "Đoạn",
    "Giải thích",
    "Trạng thái",
]
REQUIRED = {"Câu hỏi", "Phương án A", "Phương án B", "Đáp án"}
STATUS_LABELS = {"nháp": False, "đã duyệt": True}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_rows(rows: Sequence[Sequence[Any]]) -> Parsed:
    """The template's rows (row 0 the header, as ``imports.reading`` gives them)."""
    out = Parsed()
    if not rows:
        out.problems.append(Problem(1, f"Trang '{SHEET}' trống: thiếu dòng tiêu đề."))
        return out
    header = [_cell(h) for h in rows[0]]
    missing = [c for c in COLUMNS if c in REQUIRED and c not in header]
    if missing:
        out.problems.append(
            Problem(1, "Thiếu cột bắt buộc: " + ", ".join(f"'{c}'" for c in missing) + ".")
        )
        return out
    at = {name: header.index(name) for name in COLUMNS if name in header}
    for r, row in enumerate(rows[1:], start=2):

        def get(name: str, row: Sequence[Any] = row) -> str:
            k = at.get(name)
            return _cell(row[k]) if k is not None and k < len(row) else ""

        if not any(_cell(v) for v in row):
            continue
        problems: list[Problem] = []
        text = get("Câu hỏi")
        if not text:
            problems.append(Problem(r, "Thiếu nội dung câu hỏi.", "Câu hỏi"))
        choices: list[str] = []
        gap = False
        for c in LETTERS:
            value = get(f"Phương án {c}")
            if value and gap:
                problems.append(
                    Problem(
                        r,
                        "Phương án phải liền nhau từ A (không bỏ trống ở giữa).",
                        f"Phương án {c}",
                        value,
                    )
                )
            if value:
                choices.append(value)
            else:
                gap = True
        if len(choices) < 2:
            problems.append(Problem(r, "Cần ít nhất 2 phương án.", "Phương án B"))
        key = get("Đáp án").upper().rstrip(".)")
        answer = LETTERS.find(key) if len(key) == 1 else -1
        if answer < 0 or answer >= len(choices):
            problems.append(
                Problem(
                    r,
                    f"Đáp án phải là một chữ từ A đến {LETTERS[max(len(choices), 1) - 1]}.",
                    "Đáp án",
                    get("Đáp án"),
                )
            )
        paragraph: int | None = None
        raw_paragraph = get("Đoạn")
        if raw_paragraph:
            if is_digits(raw_paragraph) and int(raw_paragraph) > 0:
                paragraph = int(raw_paragraph)
            else:
                problems.append(
                    Problem(r, "Số đoạn phải là số nguyên dương.", "Đoạn", raw_paragraph)
                )
        approved: bool | None = None
        raw_status = get("Trạng thái")
        if raw_status:
            if raw_status.lower() not in STATUS_LABELS:
                problems.append(
                    Problem(r, "Trạng thái là 'Nháp' hoặc 'Đã duyệt'.", "Trạng thái", raw_status)
                )
            else:
                approved = STATUS_LABELS[raw_status.lower()]
        if problems:
            out.problems.extend(problems)
            continue
        symbol, in_symbol = parse_source(get("Văn bản")) if get("Văn bản") else ("", None)
        out.questions.append(
            ParsedQuestion(
                line=r,
                text=_one_line(text),
                choices=tuple(choices),
                answer=answer,
                explanation=get("Giải thích"),
                source=symbol,
                paragraph=paragraph or in_symbol,
                approved=approved,
            )
        )
    return out


# --- writers -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutQuestion:
    text: str
    choices: Sequence[str]
    answer: int
    explanation: str = ""
    source: str = ""
    paragraph: int | None = None
    approved: bool = False


def _source_text(q: OutQuestion) -> str:
    if not q.source:
        return ""
    return q.source + (f", đoạn {q.paragraph}" if q.paragraph else "")


def to_aiken(questions: Iterable[OutQuestion]) -> str:
    """Aiken as Moodle reads it (``ANSWER:``); the source and the explanation are not
    written, since Moodle would take them for the next question."""
    blocks = []
    for q in questions:
        lines = [_one_line(q.text)]
        lines += [f"{LETTERS[k]}. {_one_line(c)}" for k, c in enumerate(q.choices)]
        lines.append(f"ANSWER: {LETTERS[q.answer]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def gift_escape(text: str) -> str:
    out = _one_line(text).replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out


def to_gift(questions: Iterable[OutQuestion]) -> str:
    blocks = []
    for q in questions:
        head = f"// Nguồn: {_source_text(q)}\n" if q.source else ""
        general = f" ####{gift_escape(q.explanation)}" if q.explanation else ""
        if list(q.choices) == TRUE_FALSE:
            block = f"{{{'TRUE' if q.answer == 0 else 'FALSE'}{general}}}"
        else:
            options = " ".join(
                ("=" if k == q.answer else "~") + gift_escape(c) for k, c in enumerate(q.choices)
            )
            block = f"{{{options}{general}}}"
        blocks.append(f"{head}{gift_escape(q.text)} {block}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_xlsx(questions: Iterable[OutQuestion]) -> bytes:
    from openpyxl import Workbook

    from tuyengiao.lib.cells import append

    wb = Workbook(write_only=False)
    ws = wb.create_sheet(SHEET, 0)
    wb.remove(wb.worksheets[1])
    append(ws, COLUMNS)
    for q in questions:
        choices = [*q.choices, *[""] * 6][:6]
        append(
            ws,
            [
                q.text,
                *choices,
                LETTERS[q.answer],
                q.source,
                q.paragraph or "",
                q.explanation,
                "Đã duyệt" if q.approved else "Nháp",
            ],
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
