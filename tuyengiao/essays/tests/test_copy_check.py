"""The copy check (issue 15, item 3): Vietnamese normalisation, quotations removed,
candidates against the exact comparison, passages, the pages and the command."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tuyengiao.essays import services, similarity
from tuyengiao.essays.models import SimilarityRun, SimilarPair
from tuyengiao.orgs.access import SYSTEM

from .conftest import RESOLUTION, essay_text, record


def test_one_tone_style_case_and_nfc() -> None:
    import unicodedata

    old = "Thuỷ lợi hoà bình, KHOẺ mạnh"
    new = "thủy lợi hòa bình, khỏe mạnh"
    decomposed = unicodedata.normalize("NFD", new)
    assert similarity.syllables(old)[0] == similarity.syllables(new)[0]
    assert similarity.syllables(decomposed)[0] == similarity.syllables(new)[0]
    assert similarity.syllables("Ðảng")[0] == similarity.syllables("Đảng")[0]
    # different tones stay different
    assert similarity.fold_syllable("má") != similarity.fold_syllable("mà")


def test_a_copy_in_the_other_tone_style_is_found_and_quoting_is_not_copying() -> None:
    a = essay_text(1, 8)
    b = a.replace("hóa", "hoá").replace("Tôi", "tôi")
    c = RESOLUTION + " " + essay_text(2, 3)
    d = RESOLUTION + " " + essay_text(3, 3)
    result = similarity.check([("a", a), ("b", b), ("c", c), ("d", d)], [RESOLUTION])
    by = {(p.a, p.b): p for p in result.pairs}
    assert by[("a", "b")].score == 1.0 and by[("a", "b")].flagged
    # c and d share the resolution only (and sentences of the pool): not flagged for it
    without = similarity.check([("c", c), ("d", d)], [])
    with_quotes = similarity.check([("c", c), ("d", d)], [RESOLUTION])
    score = {(p.a, p.b): p.score for p in with_quotes.pairs}.get(("c", "d"), 0.0)
    assert without.pairs[0].score > score


def test_passages_point_at_the_same_words_in_each_text() -> None:
    shared = "chi bộ phân công đảng viên trẻ hướng dẫn bà con cài ứng dụng định danh điện tử"
    a = "Mở đầu bài của tôi rất riêng. " + shared.capitalize() + ". Kết thúc riêng của bài một nữa."
    b = "Một mở đầu hoàn toàn khác hẳn! Theo tôi " + shared + " và còn nhiều việc khác nữa."
    pa, pb = similarity.prepare("a", a), similarity.prepare("b", b)
    found = similarity.passages(pa, pb)
    assert len(found) == 1
    ta = a[found[0]["a"][0] : found[0]["a"][1]]
    tb = b[found[0]["b"][0] : found[0]["b"][1]]
    assert ta.lower() == shared and tb == shared


def test_candidates_find_every_pair_the_exact_comparison_scores_at_half_or_more() -> None:
    rng = random.Random(7)
    vocab = [
        f"{c}{v}"
        for c in ["b", "c", "d", "đ", "h", "l", "m", "n", "t", "x"]
        for v in ["a", "á", "à", "ả", "ã", "ạ", "o", "ô", "ơ", "u", "ư", "i", "ê"]
    ]
    base = [" ".join(rng.choice(vocab) for _ in range(300)) for _ in range(60)]
    texts = list(base)
    for k in range(40):  # partial copies with containment from about 0,3 to 1
        src = base[k].split()
        keep = rng.uniform(0.3, 1.0)
        cut = int(len(src) * keep)
        texts.append(" ".join(src[:cut] + [rng.choice(vocab) for _ in range(len(src) - cut)]))
    prepared = [similarity.prepare(str(i), t) for i, t in enumerate(texts)]
    exact = similarity.exact_all_pairs(prepared, at_least=0.5)
    assert len(exact) >= 20
    candidates = similarity.candidate_pairs(prepared)
    found = sum(1 for pair in exact if pair in candidates)
    assert found / len(exact) >= 0.95
    # the confirmed scores are the exact ones
    result = similarity.check_prepared(prepared, with_passages=False)
    for p in result.pairs:
        key = (int(p.a), int(p.b))
        if key in exact:
            assert p.score == pytest.approx(exact[key], abs=1e-4)


def test_clusters() -> None:
    assert similarity.clusters([("1", "2"), ("2", "3"), ("5", "6")]) == [
        ["1", "2", "3"],
        ["5", "6"],
    ]


def _write(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_command_prints_pairs_with_score_and_flag(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.txt", essay_text(1, 8))
    b = _write(tmp_path, "b.txt", essay_text(1, 8).replace("hóa", "hoá"))
    c = _write(tmp_path, "c.txt", RESOLUTION + " Tôi sẽ làm theo ở chi bộ của mình thật tốt.")
    d = _write(tmp_path, "d.txt", RESOLUTION + " Gia đình tôi sẽ thử bán hàng qua mạng năm nay.")
    nq = _write(tmp_path, "nq.txt", RESOLUTION)
    out = io.StringIO()
    call_command("similar_essays", a, b, c, d, "--exclude", nq, "--json", stdout=out)
    data = json.loads(out.getvalue())
    pairs = {(p["a"], p["b"]): p for p in data["pairs"]}
    assert pairs[(a, b)]["flagged"] is True and pairs[(a, b)]["score"] == 1.0
    assert (c, d) not in pairs or not pairs[(c, d)]["flagged"]
    # without the resolution excluded, c and d look copied
    out = io.StringIO()
    call_command("similar_essays", c, d, "--json", stdout=out)
    assert json.loads(out.getvalue())["pairs"][0]["flagged"] is True
    text = io.StringIO()
    call_command("similar_essays", a, b, stdout=text)
    assert "100,00%" in text.getvalue() and "ĐÁNG CHÚ Ý" in text.getvalue()


def test_command_refuses_a_bad_file(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    a = _write(tmp_path, "a.txt", "x")
    bad = tmp_path / "b.exe"
    bad.write_bytes(b"MZ")
    with pytest.raises(CommandError, match="chỉ hỗ trợ"):
        call_command("similar_essays", a, str(bad))


OWN = (
    "Bài của tôi nói về việc học nghị quyết ở bản vùng cao, nơi mùa mưa đường trơn, sóng "
    "điện thoại chập chờn. Tôi đề xuất lắp thêm trạm phát sóng gần trường tiểu học, mở "
    "lớp xóa mù chữ số cho phụ nữ người Mông và ghi chép sổ tay điện tử về đàn trâu bò."
)


@pytest.mark.django_db
def test_the_check_of_a_requirement_and_the_pages_show_pairs_clusters_and_passages(
    ew: Any, client_for: Any
) -> None:
    copied = essay_text(40, 8)
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        for member in ew.w.members[:3]:  # the three of CB1 hand in the same text
            record(ew.req, member, copied + " " + RESOLUTION)
        record(ew.req, ew.w.members[3], OWN)
        run = services.similarity_request(actor=ew.w.users["commune"], requirement=ew.req)
        services.similarity_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == SimilarityRun.Status.DONE and run.flagged == 3
    pair = SimilarPair.objects.filter(flagged=True).first()
    assert pair is not None and pair.passages
    client = client_for("commune")
    page = client.get(f"/bai-thu-hoach/dot/{ew.campaign.pk}/trung-lap/").content.decode()
    assert "3 bài:" in page and "Chi bộ bản Một" in page
    side = client.get(f"/bai-thu-hoach/cap/{pair.pk}/").content.decode()
    assert side.count("<mark") >= 2 and 'id="side-by-side"' in side
    # the resolution's words are not marked
    assert '<mark data-passage="1" title="Đoạn 1">Khoa học' not in side
    # a member and an outsider do not see the copy check
    assert client_for("member").get(f"/bai-thu-hoach/cap/{pair.pk}/").status_code == 403
    assert client_for("outsider").get(f"/bai-thu-hoach/cap/{pair.pk}/").status_code == 404
    with pytest.raises(Exception, match="người chấm"):
        services.similarity_request(actor=ew.w.users["member"], requirement=ew.req)
    assert SYSTEM


def test_signatures_are_datasketch_minhash_values() -> None:
    from datasketch import MinHash

    p = similarity.prepare("a", essay_text(9, 8))
    values = similarity._own_array(p)
    m = MinHash(num_perm=similarity.NUM_PERM, seed=1, scheme="legacy", hashfunc=lambda x: x)
    m.update_batch([int(v) for v in values])
    assert (similarity.Signer().values(values) == m.hashvalues).all()


@pytest.mark.django_db
def test_two_longest_essays_side_by_side_stay_under_200_kb(ew: Any, client_for: Any) -> None:
    from tuyengiao.essays.models import MAX_CHARS

    sentence = "Đảng viên ở bản vùng cao học nghị quyết và làm theo ở chi bộ của mình. "
    text = (sentence * (MAX_CHARS // len(sentence)))[:MAX_CHARS]
    a = record(ew.req, ew.w.members[0], text)
    b = record(ew.req, ew.w.members[1], text)
    run = services.similarity_request(actor=SYSTEM, requirement=ew.req)
    services.similarity_run(run_id=run.pk)
    pair = SimilarPair.objects.get(a=a, b=b)
    page = client_for("commune").get(f"/bai-thu-hoach/cap/{pair.pk}/")
    assert page.status_code == 200 and len(page.content) < 200_000
    assert len(client_for("commune").get(f"/bai-thu-hoach/bai/{a.pk}/").content) < 200_000


@pytest.mark.django_db
def test_a_check_queued_for_over_a_minute_says_no_worker_took_it(ew: Any, client_for: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    run = services.similarity_request(actor=ew.w.users["commune"], requirement=ew.req)
    url = f"/bai-thu-hoach/dot/{ew.campaign.pk}/trung-lap/"
    warning = "Chưa có tiến trình nền nào nhận lần kiểm tra này sau 1 phút"
    client = client_for("commune")
    assert "Đang chờ" in (fresh := client.get(url).content.decode()) and warning not in fresh
    SimilarityRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=61)
    )
    assert warning in client.get(url).content.decode()
    services.similarity_run(run_id=run.pk)
    assert warning not in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_check_whose_worker_died_says_it_stopped_and_keeps_the_pairs_before(
    ew: Any, client_for: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    text = essay_text(7)
    record(ew.req, ew.w.members[0], text)
    record(ew.req, ew.w.members[1], text)
    first = services.similarity_run(
        run_id=services.similarity_request(actor=SYSTEM, requirement=ew.req).pk
    )
    assert first.started_at is not None and first.status == SimilarityRun.Status.DONE
    run = services.similarity_request(actor=SYSTEM, requirement=ew.req)
    url = f"/bai-thu-hoach/dot/{ew.campaign.pk}/trung-lap/"
    stopped = "Tiến trình nền đã dừng khi đang kiểm tra"
    SimilarityRun.objects.filter(pk=run.pk).update(
        status=SimilarityRun.Status.RUNNING, started_at=timezone.now() - dt.timedelta(minutes=14)
    )
    client = client_for("commune")
    assert stopped not in (running := client.get(url).content.decode())
    assert "Đang chạy" in running
    SimilarityRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=16)
    )
    page = client.get(url).content.decode()
    assert stopped in page
    assert "So sánh" in page  # the pairs of the run before are still there
