"""Normalisation: one form for both tone styles, NFD and NFC, legacy TCVN3 and VNI text, case,
punctuation and spacing; the template's own lines removed."""

import unicodedata

import pytest

from tusoi.dedup.normalize import (
    convert_legacy,
    normalize,
    strip_template,
    to_tcvn3,
    to_vni,
    words,
)

TONES = ["\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # huyền, sắc, hỏi, ngã, nặng
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]


def toned(vowel: str, tone: str) -> str:
    return unicodedata.normalize("NFC", vowel + tone)


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize(
    ("first", "second", "initial"),
    [("o", "a", "h"), ("o", "e", "kh"), ("u", "y", "th"), ("o", "a", "x"), ("u", "y", "t")],
)
def test_old_and_new_tone_placement_compare_equal(first, second, initial, tone):
    old_style = initial + toned(first, tone) + second  # hòa, khỏe, thủy
    new_style = initial + first + toned(second, tone)  # hoà, khoẻ, thuỷ
    assert normalize(f"Nước {new_style}, rồi") == normalize(f"nước {old_style} rồi")
    assert normalize(new_style.upper()) == normalize(old_style)


def test_tone_moves_only_in_open_syllables_and_not_after_qu():
    assert normalize("hoàn thành") == "hoàn thành"
    assert normalize("quý quỳ quỷ") == "quý quỳ quỷ"
    assert normalize("thuyết khoèo") == "thuyết khoèo"


@pytest.mark.parametrize("vowel", VOWELS)
@pytest.mark.parametrize("tone", ["", *TONES])
def test_every_vowel_and_tone_is_the_same_in_nfd_and_nfc_and_either_case(vowel, tone):
    word = "t" + toned(vowel, tone) + "n"
    nfd = unicodedata.normalize("NFD", word)
    assert normalize(nfd) == normalize(word) == normalize(word.upper())
    assert unicodedata.is_normalized("NFC", normalize(nfd))


def test_case_punctuation_and_whitespace_are_folded():
    text = "  Tôi LÀ   đảng viên,\n\t“chi bộ” – khu phố (số 3)…  _ghi chú_ "
    assert normalize(text) == "tôi là đảng viên chi bộ khu phố số 3 ghi chú"
    assert words(text)[:3] == ["tôi", "là", "đảng"]
    assert normalize("") == "" and words("  ...  ") == []


def test_normalize_is_idempotent():
    text = "Hoà bình, thuỷ lợi; NguyÔn V¨n §ç"
    assert normalize(normalize(text)) == normalize(text)


TCVN3_SAMPLES = {
    "NguyÔn V¨n §ç lµ ®¶ng viªn": "nguyễn văn đỗ là đảng viên",
    "Tù kiÓm ®iÓm vÒ t­ t­ëng chÝnh trÞ": "tự kiểm điểm về tư tưởng chính trị",
    "Héi ®ång nh©n d©n x· Hoµ B×nh": "hội đồng nhân dân xã hòa bình",
}
VNI_SAMPLES = {
    "Nguyeãn Vaên Ñoã laø ñaûng vieân": "nguyễn văn đỗ là đảng viên",
    "Töï kieåm ñieåm veà tö töôûng chính trò": "tự kiểm điểm về tư tưởng chính trị",
    "VIEÄT NAM ÑAÛNG COÄNG SAÛN": "việt nam đảng cộng sản",
}


@pytest.mark.parametrize(("legacy", "expected"), TCVN3_SAMPLES.items())
def test_tcvn3_text_is_detected_and_converted(legacy, expected):
    assert normalize(legacy) == expected


@pytest.mark.parametrize(("legacy", "expected"), VNI_SAMPLES.items())
def test_vni_text_is_detected_and_converted(legacy, expected):
    assert normalize(legacy) == expected


@pytest.mark.parametrize("encode", [to_tcvn3, to_vni])
def test_encoders_round_trip_through_detection(encode):
    text = "Ủy ban Mặt trận Tổ quốc xã Quỳnh Lưu; người dân khỏe mạnh, ỵ, ĩ, ỉ, Đặng Thị Ước"
    assert normalize(encode(text)) == normalize(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tôi là đảng viên, có trách nhiệm với chi bộ và gia đình.",
        "Le café est très bon à Paris, chez Müller.",
        "Giá: 5.000 đồng × 3 = 15.000 đồng; «trích dẫn» © 2024",
        "ông Lê và bà Tô, cô Hà ở Cà Mau",
    ],
)
def test_unicode_and_foreign_text_is_not_converted(text):
    assert convert_legacy(text) == text


def test_mixed_encodings_within_one_report_are_converted_line_by_line():
    unicode_line = "Về tư tưởng chính trị, tôi luôn chấp hành nghiêm"
    text = "\n".join([unicode_line, to_tcvn3(unicode_line), to_vni(unicode_line)])
    assert normalize(text) == " ".join([normalize(unicode_line)] * 3)


def test_a_megabyte_of_text_normalises():
    text = "Tôi tự kiểm điểm, hoà thuận. " * 40_000
    assert len(text.encode()) > 1_000_000
    assert normalize(text).split()[:5] == ["tôi", "tự", "kiểm", "điểm", "hòa"]


def test_strip_template_removes_headings_and_guidance_but_keeps_the_writers_text():
    template = "I. Về tư tưởng chính trị\n(Nêu rõ việc chấp hành chủ trương của Đảng)\nÝ kiến\n"
    text = (
        "I. VỀ TƯ TƯỞNG CHÍNH TRỊ\n"
        "(Nêu rõ việc chấp hành chủ trương của Đảng)\n"
        "Tôi luôn chấp hành nghiêm.\n"
        "Về tư tưởng chính trị: tôi vững vàng.\n"
        "Ý kiến\n"
        "Ý kiến của tôi là đồng ý."
    )
    assert strip_template(text, [template]) == (
        "tôi luôn chấp hành nghiêm\ntôi vững vàng\ný kiến của tôi là đồng ý"
    )
    assert strip_template(text, []) == "\n".join(normalize(line) for line in text.split("\n"))
