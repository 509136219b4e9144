"""The parsers and writers of Aiken, GIFT and the XLSX template (no database)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tuyengiao.contests import formats

from .conftest import AIKEN, GIFT


def test_aiken_reads_both_answer_keywords_and_the_source() -> None:
    got = formats.parse_aiken(AIKEN)
    assert not got.problems
    first, second = got.questions
    assert first.line == 1 and first.answer == 0 and len(first.choices) == 3
    assert first.choices[2] == "Phát triển hạ tầng"  # "C)" as well as "C."
    assert (first.source, first.paragraph) == ("57-NQ/TW", 1)
    assert second.line == 8 and second.answer == 1 and second.paragraph == 2


def test_aiken_errors_name_the_line() -> None:
    text = "Câu một?\nA. x\nB. y\nĐáp án: D\n\nCâu hai?\nA. x\nC. y\nANSWER: A\n\nCâu ba?\nA. x\nB. y\n"
    got = formats.parse_aiken(text)
    assert not got.questions
    messages = [str(p) for p in got.problems]
    assert messages[0].startswith("Dòng 4: Đáp án phải là chữ cái của một phương án (A, B)")
    assert messages[1].startswith("Dòng 8: Phương án thứ 2 phải là 'B'")
    assert messages[2].startswith("Dòng 14: Thiếu dòng đáp án")


def test_gift_multiple_choice_true_false_and_escapes() -> None:
    got = formats.parse_gift(GIFT)
    assert not got.problems, got.problems
    mc, tf, escaped = got.questions
    assert mc.text == "Chi cho nghiên cứu phát triển đạt bao nhiêu phần trăm GDP?"
    assert mc.choices == ("1%", "2%", "3% tổng chi") and mc.answer == 1
    assert mc.explanation == "Xem đoạn 3 của Nghị quyết."
    assert (mc.source, mc.paragraph) == ("57-NQ/TW", 3)
    assert tf.choices == ("Đúng", "Sai") and tf.answer == 0 and tf.source == ""
    assert escaped.text == "Tỷ lệ 1:1 và ký hiệu {x} = y ~ z # w là ví dụ thoát ký tự."
    assert escaped.choices == ("Đúng vậy", "Không phải") and escaped.answer == 0


def test_gift_refuses_what_a_contest_cannot_use_with_the_line() -> None:
    text = (
        "Câu một {=a =b ~c}\n\nCâu hai {#5:1}\n\nCâu ba {=Hà Nội}\n\n"
        "Câu bốn {~%50%a ~%50%b ~c}\n\nCâu năm {=a ~b\n"
    )
    got = formats.parse_gift(text)
    assert not got.questions
    lines = [(p.line, p.message.split(" ")[0]) for p in got.problems]
    assert [line for line, _ in lines] == [1, 3, 5, 7, 9]
    assert "có 2" in got.problems[0].message
    assert "dạng số" in got.problems[1].message
    assert "trả lời ngắn" in got.problems[2].message
    assert "tỷ lệ" in got.problems[3].message
    assert "Thiếu dấu '}'" in got.problems[4].message


def test_gift_missing_word_and_false() -> None:
    got = formats.parse_gift(
        "Đảng Cộng sản Việt Nam ra đời năm {=1930 ~1945 ~1954} tại Hương Cảng.\n\nAi? {FALSE}"
    )
    assert got.questions[0].text == "Đảng Cộng sản Việt Nam ra đời năm _____ tại Hương Cảng."
    assert got.questions[1].answer == 1


def test_writers_round_trip() -> None:
    questions = [
        formats.OutQuestion(
            text=q.text,
            choices=q.choices,
            answer=q.answer,
            explanation=q.explanation,
            source=q.source,
            paragraph=q.paragraph,
        )
        for q in formats.parse_gift(GIFT).questions + formats.parse_aiken(AIKEN).questions
    ]
    again = formats.parse_gift(formats.to_gift(questions)).questions
    assert [(q.text, q.choices, q.answer, q.source, q.paragraph) for q in again] == [
        (q.text, tuple(q.choices), q.answer, q.source, q.paragraph) for q in questions
    ]
    aiken = formats.parse_aiken(formats.to_aiken(questions)).questions
    assert [(q.text, q.choices, q.answer) for q in aiken] == [
        (q.text, tuple(q.choices), q.answer) for q in questions
    ]
    sheet = load_workbook(io.BytesIO(formats.to_xlsx(questions)))[formats.SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    back = formats.parse_rows(rows).questions
    assert [(q.text, q.choices, q.answer, q.source, q.paragraph) for q in back] == [
        (q.text, tuple(q.choices), q.answer, q.source, q.paragraph) for q in questions
    ]


def test_xlsx_rows_errors_name_row_and_column() -> None:
    header = formats.COLUMNS
    rows = [
        header,
        ["Câu?", "x", "y", "", "", "", "", "C", "", "", "", ""],
        ["", "x", "", "z", "", "", "", "A", "", "bốn", "", "Xong"],
    ]
    got = formats.parse_rows(rows)
    messages = [str(p) for p in got.problems]
    assert "Dòng 2, cột 'Đáp án': Đáp án phải là một chữ từ A đến B. (giá trị: 'C')" in messages
    assert any(m.startswith("Dòng 3, cột 'Câu hỏi'") for m in messages)
    assert any(m.startswith("Dòng 3, cột 'Phương án C'") for m in messages)
    assert any(m.startswith("Dòng 3, cột 'Đoạn'") for m in messages)
    assert any(m.startswith("Dòng 3, cột 'Trạng thái'") for m in messages)
