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
    if _is_clean_spacing(value):
        # Fast path for imports of 100,000 rows: nothing to fold, only NFC to check.
        return (
            value
            if unicodedata.is_normalized("NFC", value)
            else unicodedata.normalize("NFC", value)
        )
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def _is_clean_spacing(value: str) -> bool:
    """No control or unusual space characters (they are not printable), no double or edge
    spaces: then the space clean-up would change nothing."""
    return value.isprintable() and "  " not in value and value[0] != " " and value[-1] != " "


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


# Letters only Unicode Vietnamese has (ă, đ, ơ, ư, the precomposed tones, combining marks):
# legacy fonts map every letter into Latin-1, so text with any of these is Unicode.
_UNICODE_VIETNAMESE = re.compile(
    r"[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0"
    r"\u0300-\u036f\u1ea0-\u1ef9]"
)
_LATIN1_SYMBOLS = "\u00a1-\u00bf\u00d7\u00f7"
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
_LEGACY_STRONG = re.compile(
    # TCVN3 (ABC) puts letters such as ă, ê, ạ on Latin-1 symbols: "V¨n", "Lª", "§ç", "Ph¹m".
    # «, », ©, ®, ° also occur in ordinary text, so they count only between two letters.
    rf"(?<=[{_LETTER}])[{_LATIN1_SYMBOLS}](?<![«»©®°])"
    rf"|[{_LATIN1_SYMBOLS}](?<![«»©®°])(?=[{_LETTER}])"
    rf"|(?<=[{_LETTER}])[«»©®°](?=[{_LETTER}])"
    # TCVN3's toned lower-case letters sit on Latin-1 capitals: "NguyÔn", "TrÇn", "ThÞ".
    r"|(?<=[a-z\u00df-\u00ff])[\u00c0-\u00d6\u00d8-\u00de]"
    # VNI writes marks after the base letter; Vietnamese never puts an accented vowel right
    # after a or e, so "Vaên", "Nguyeãn", "Traàn", "Leâ" are VNI. Its Đ is Ñ ("Ñoã", "Ñinh").
    r"|(?<=[aeAE])[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]"
    r"|(?<![A-Za-z\u00c0-\u00ff])[Ññ](?=[A-Za-z])"
)
# Latin-1 letters Vietnamese never uses; one may be a foreign name ("Müller"), two are a sign.
_LEGACY_WEAK = re.compile(r"[ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïðñöøûüþÿ]")


def looks_like_legacy_encoding(value: str) -> bool:
    """True when text looks typed in the legacy TCVN3 (ABC) or VNI fonts rather than Unicode."""
    if not value:
        return False
    text = unicodedata.normalize("NFC", value)
    if _UNICODE_VIETNAMESE.search(text):
        return False
    return bool(_LEGACY_STRONG.search(text)) or len(_LEGACY_WEAK.findall(text)) >= 2
