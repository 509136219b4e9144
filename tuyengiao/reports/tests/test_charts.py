"""The dashboard's SVG bars: a long unit name is cut after a whole word with "…", and
the whole name and rate are the bar's title (a tooltip, read by screen readers)."""

from __future__ import annotations

from decimal import Decimal

from tuyengiao.reports.charts import rate_bars


def test_a_long_name_is_cut_at_a_word_and_given_whole_in_the_title() -> None:
    svg = rate_bars(
        [("Chi bộ bản Pa Vây Sử (trực tiếp)", Decimal("96.00")), ("Chi bộ bản Một", None)],
        Decimal("95"),
    )
    assert ">Chi bộ bản Pa Vây Sử…</text>" in svg  # not "(trực t"
    assert "<title>Chi bộ bản Pa Vây Sử (trực tiếp): 96,00%</title>" in svg
    assert ">Chi bộ bản Một</text>" in svg and "<title>Chi bộ bản Một: —</title>" in svg
    assert "Đảng ủy &lt;b&gt;" in rate_bars([("Đảng ủy <b>", Decimal(1))], None)
