"""Vietnamese text helpers: NFC cleaning, accent folding for search, and the dictionary sort key.

The sort key and the tree path are digit strings on purpose: digits compare the same way under
every database collation (SQLite's BINARY, PostgreSQL's C or any ICU/glibc locale), so one stored
key sorts identically on both engines.
"""

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

# CLDR's Vietnamese order: base letters first, then tones as a secondary difference.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {ch: f"{i + 1:02d}" for i, ch in enumerate(_ALPHABET)}
_DIGIT_BASE = len(_ALPHABET) + 1
_MODIFIERS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"o": "ơ", "u": "ư"}
# Tone order as in CLDR: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def clean_text(value: str | None) -> str:
    """NFC, every run of spaces (non-breaking included) folded to one, ends stripped."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def clean_multiline(value: str | None) -> str:
    """NFC and stray spaces removed per line, line breaks kept."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()


def fold(value: str | None) -> str:
    """Lower-case ASCII without diacritics ("Nguyễn Văn Đạt" -> "nguyen van dat")."""
    text = clean_text(value).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letters(word: str) -> list[tuple[str, str]]:
    """Split a lower-case word into (base letter, tone digit) pairs."""
    out: list[tuple[str, str]] = []
    for cluster in re.findall(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", word)):
        base, marks = cluster[0], cluster[1:]
        tone = "0"
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark == "\u0306" and base == "a":
                base = "ă"
            elif mark == "\u0302":
                base = _CIRCUMFLEX.get(base, base)
            elif mark == "\u031b":
                base = _HORN.get(base, base)
        out.append((base, tone))
    return out


def _word_key(word: str) -> tuple[str, str]:
    primary, secondary = [], []
    for base, tone in _letters(word):
        if base in _LETTER_CODE:
            primary.append(_LETTER_CODE[base])
        elif base.isdigit():
            primary.append(f"{_DIGIT_BASE + int(base):02d}")
        else:
            continue
        secondary.append(tone)
    return "".join(primary), "".join(secondary)


def vn_sort_key(full_name: str | None) -> str:
    """Key that orders names the Vietnamese way: given name, then middle names, then family name.

    Letters follow a ă â b c d đ e ê …; within a word, tones break ties
    (none, huyền, hỏi, ngã, sắc, nặng).
    """
    words = clean_text(full_name).lower().split(" ")
    words = [w for w in words if w]
    if not words:
        return ""
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    # Each word compares whole (letters, then its tones) before the next word is looked at;
    # words with equal letters have tone strings of equal length, so positions stay aligned.
    return "".join(f"{primary}00{tones}" for primary, tones in map(_word_key, ordered))[:600]


def looks_like_legacy_encoding(value: str) -> bool:
    """True when text looks typed in the legacy TCVN3 (ABC) or VNI fonts rather than Unicode."""
    if not value:
        return False
    # TCVN3 puts Vietnamese letters on Latin-1 code points rarely used in Vietnamese Unicode text;
    # VNI writes a base letter followed by accent characters such as "ù", "ø", "ï" after vowels.
    tcvn3 = sum(value.count(ch) for ch in "¸µ¶·¹¨»¾¼½Æ©ÇÊÈÉËÐÌÎÏÑªÕÒÓÔÖ×ÝØÜÞ®")
    vni = len(re.findall(r"[aeiouyAEIOUY][øùûõïøöôò][a-zA-Z]?", value))
    return tcvn3 >= 2 or (vni >= 2 and not re.search(r"[\u0300-\u036f\u1ea0-\u1ef9]", value))
