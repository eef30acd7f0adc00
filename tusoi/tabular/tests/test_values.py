"""parse_date, parse_bool, parse_text and the legacy-encoding detector."""

import unicodedata
from datetime import date

import pytest
from django.utils import translation

from tusoi.core.text import looks_like_legacy_encoding
from tusoi.tabular import parse_bool, parse_date, parse_text
from tusoi.tabular.tests.corpus import excel_datetime

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(1990, 12, 25), date(1990, 12, 25)),
        (excel_datetime(1990, 12, 25, 0, 0), date(1990, 12, 25)),
        (45000, date(2023, 3, 15)),
        (45000.75, date(2023, 3, 15)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        ("25/12/1990", date(1990, 12, 25)),
        ("5/2/1990", date(1990, 2, 5)),
        ("05/02/90", date(1990, 2, 5)),
        ("5/2/25", date(2025, 2, 5)),  # this year is not in the future
        ("5/2/26", date(1926, 2, 5)),  # next year would be
        ("25-12-1990", date(1990, 12, 25)),
        ("25.12.1990", date(1990, 12, 25)),
        ("1990-12-25", date(1990, 12, 25)),
        ("1990-12-25 00:00:00", date(1990, 12, 25)),
        ("\u00a025/12/1990 ", date(1990, 12, 25)),
        ("29/02/2020", date(2020, 2, 29)),
    ],
)
def test_parse_date_accepts_the_formats_people_type(value, expected):
    assert parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2020", "Ngày 31/02/2020 không tồn tại"),
        ("29/02/2021", "Ngày 29/02/2021 không tồn tại"),
        ("1/13/2020", "Ngày 01/13/2020 không tồn tại"),
        (
            "12/31/2020",
            "Ngày 12/31/2020 không tồn tại (không có tháng 31); hãy ghi ngày trước tháng: "
            "dd/mm/yyyy",
        ),
        ("ngày 5 tháng 2", "“ngày 5 tháng 2” không phải là ngày; hãy ghi theo dạng dd/mm/yyyy"),
        ("25/12-1990", "không phải là ngày"),
        ("19901225", "không phải là ngày"),
        (True, "không phải là ngày"),
        ("", "Chưa có ngày"),
        (None, "Chưa có ngày"),
        (0, "0 không phải là số ngày hợp lệ của Excel"),
        (-5, "không phải là số ngày hợp lệ"),
        (19901225, "19901225 không phải là số ngày hợp lệ của Excel"),
        (float("nan"), "không phải là số ngày hợp lệ"),
        (60, "Ngày 29/02/1900 không tồn tại"),
    ],
)
def test_parse_date_refuses_impossible_and_garbage_dates_in_vietnamese(value, message):
    with pytest.raises(ValueError) as caught:
        parse_date(value, today=TODAY)
    assert message in str(caught.value)


def test_parse_date_two_digit_years_use_the_real_today_by_default():
    year = parse_date("1/1/00").year
    assert year in (2000, 1900)
    assert parse_date("1/1/99").year == 1999


@pytest.mark.parametrize(
    "value",
    ["có", "Có", "CÓ", "co", "x", "X", "1", 1, True, "true", "TRUE", "yes", "c", " có\u00a0"],
)
def test_parse_bool_yes(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize(
    "value", ["không", "Không", "KHONG", "k", "0", 0, False, "false", "no", None, "", "  "]
)
def test_parse_bool_no(value):
    assert parse_bool(value) is False


def test_parse_bool_refuses_anything_else():
    with pytest.raises(ValueError) as caught:
        parse_bool("có lẽ")
    assert str(caught.value).startswith("“có lẽ” không phải là có/không")
    with pytest.raises(ValueError):
        parse_bool(2)


def test_parse_text_cleans_and_normalises():
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert parse_text(f"  {nfd}\u00a0\u00a0 ") == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", parse_text(nfd))
    assert parse_text(12345.0) == "12345"
    assert parse_text(12345) == "12345"
    assert parse_text(123456789012.0) == "123456789012"
    assert parse_text(12.5) == "12.5"
    assert parse_text(None) == ""
    assert parse_text(excel_datetime(1990, 12, 25)) == "25/12/1990"
    assert parse_text("a\x00b") == "ab"


LEGACY = "Văn bản có vẻ gõ bằng bảng mã cũ (TCVN3/VNI), hãy chuyển sang Unicode"
# Real samples: the same Vietnamese names typed with the TCVN3 (.VnTime) and VNI-Times fonts,
# as they arrive when such a file is read as ordinary text.
TCVN3_SAMPLES = [
    "NguyÔn V¨n An",  # Nguyễn Văn An
    "TrÇn ThÞ Hoa",  # Trần Thị Hoa
    "Lª An",  # Lê An
    "§ç Hïng",  # Đỗ Hùng
    "Ph¹m Hïng",  # Phạm Hùng
    "NguyÔn ThÞ H\u00ad¬ng",  # Nguyễn Thị Hương (ư is a soft hyphen in TCVN3)
    "§¶ng bé x· T©n Phó",  # Đảng bộ xã Tân Phú
    "Bïi Ngäc Hoµ",  # Bùi Ngọc Hoà
]
VNI_SAMPLES = [
    "Nguyeãn Vaên An",  # Nguyễn Văn An
    "Traàn Thò Hoa",  # Trần Thị Hoa
    "Leâ Anh",  # Lê Anh
    "Ñoã Huøng",  # Đỗ Hùng
    "Phaïm Huøng",  # Phạm Hùng
    "Ñinh Coâng Traùng",  # Đinh Công Tráng
    "Ñaûng boä xaõ",  # Đảng bộ xã
]
UNICODE_SAMPLES = [
    "Nguyễn Văn An",
    unicodedata.normalize("NFD", "Trần Thị Hoà"),
    "Lê Công Hòa",
    "Quân",
    "Khuê",
    "Thuý",
    "Hoà",
    "LÊ TÔ ÉN",
    "ÊA SÚP",
    "Y Bih Niê",
    "H'Hen Niê",
    "Ông Ích Khiêm",
    "Đỗ Hùng",
    "Chi bộ thôn 3",
    "The quick brown fox",
    "Müller",
    "José Martínez",
    "Café",
    "30°C",
    "Công ty ABC®",
    "«Hello»",
]


@pytest.mark.parametrize("text", TCVN3_SAMPLES + VNI_SAMPLES)
def test_legacy_font_text_is_flagged(text):
    assert looks_like_legacy_encoding(text)
    with pytest.raises(ValueError) as caught:
        parse_text(text)
    assert str(caught.value) == LEGACY


@pytest.mark.parametrize("text", UNICODE_SAMPLES)
def test_unicode_vietnamese_and_english_are_not_flagged(text):
    assert not looks_like_legacy_encoding(text)
    assert parse_text(text) == unicodedata.normalize("NFC", text).strip()
