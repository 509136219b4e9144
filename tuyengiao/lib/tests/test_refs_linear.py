"""Reference extraction runs in time linear in its input, on any input (issue 10.4).

``Nghị quyết số`` followed by 8,000 spaces took 6.4 s: a run of spaces was tried at every
length twice over. The property: for an adversarial text built from a prefix and a
repeated filler, extracting from 4 times as much filler costs less than 10 times as much
time (linear gives about 4, quadratic about 16). The minimum of a few interleaved runs is
compared, so a busy machine slows both sides alike. The one absolute bound (1 s for 8,000
characters, 50 times what a linear pass needs) only stops waiting on a quadratic case.

Pure Python, no database.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tuyengiao.lib.refs import extract_refs, parse_symbol

PREFIXES = [
    "",
    "Nghị quyết số",
    "Nghị quyết",
    "nghi quyet so",
    "Chỉ thị số:",
    "Kết luận số 01-KL/TW và",
    "Nghị quyết số 57-NQ/TW ngày",
    "các Nghị quyết số 18, 19 và",
    "Đề án 1327 năm",
    "Luật số 45/2019/QH14",
]
FILLERS = [
    " ",
    "\t",
    " \n",
    "số ",
    "số",
    "so :",
    "Nghị quy",
    "Nghị quyết ",
    "1",
    "1/",
    "1-",
    "1 ",
    "12/2020/",
    "57-NQ/",
    "-A",
    "A",
    ", ",
    " và ",
    "ngày ",
    "năm ",
    "1.",
    ",1",
]

# Characters of filler in the small text; the large one has 4 times as many. Both sizes are
# past the point where the regex engine's cost per character settles (on short texts it is
# up to 3 times lower, which a ratio would mistake for growth).
SMALL = 8000


def _costs(small: str, large: str) -> tuple[float, float]:
    """The best of three interleaved runs of each, in CPU time of this process: waiting for
    a core on a busy machine does not count, and what remains slows both alike."""
    best_small = best_large = float("inf")
    for _ in range(3):
        start = time.process_time()
        extract_refs(small)
        middle = time.process_time()
        best_small = min(best_small, middle - start)
        if best_small > 1.0:  # 50 times what a linear pass needs: do not wait for 4n
            return best_small, float("inf")
        extract_refs(large)
        best_large = min(best_large, time.process_time() - middle)
    return best_small, best_large


def _text(prefix: str, filler: list[str], size: int) -> str:
    unit = "".join(filler)
    return prefix + unit * (size // len(unit) + 1)


def _assert_linear(prefix: str, filler: list[str]) -> None:
    small, large = _costs(_text(prefix, filler, SMALL), _text(prefix, filler, 4 * SMALL))
    # linear: about 4; quadratic: about 16
    assert large < 10 * small, (prefix, filler, small, large)


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # shrinking would rerun slow failures
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    prefix=st.sampled_from(PREFIXES),
    filler=st.lists(st.sampled_from(FILLERS), min_size=1, max_size=4),
)
@example(prefix="Nghị quyết số", filler=[" "])  # the attack: 6.4 s for 8,000 spaces
@example(prefix="Chỉ thị số:", filler=[" "])
@example(prefix="Kết luận số 01-KL/TW và", filler=[", "])
def test_extraction_time_grows_linearly(prefix: str, filler: list[str]) -> None:
    _assert_linear(prefix, filler)


def test_the_attack_input_still_finds_the_symbol_after_it() -> None:
    text = "Nghị quyết số" + " " * 8000 + "Chỉ thị số 05-CT/TW"
    refs = extract_refs(text)
    assert [(r.symbol, r.kind) for r in refs] == [("05-CT/TW", "Chỉ thị")]


def test_parse_symbol_of_long_spaces_is_none() -> None:
    assert parse_symbol("Nghị quyết số" + " " * 280) is None
