"""Vietnamese text normalisation for copy detection.

`normalize(text)` gives the form every comparison works on: Unicode NFC; paragraphs typed in
the legacy TCVN3 (ABC) or VNI-Windows fonts converted to Unicode; lower case; one tone-mark
placement ("hoà, khoẻ, thuỷ" and "hòa, khỏe, thủy" both become "hòa, khỏe, thủy"); punctuation
dropped and whitespace folded, words joined by single spaces. `normalize` is idempotent.

Legacy text reaches us as the Latin-1/cp1252 characters its bytes decode to ("Vaên baûn" in VNI,
"V¨n b¶n" in TCVN3). Each line is judged on its own, so a report pasted together from old and new
documents is converted piece by piece; a line is converted only when that turns clearly more of
its words into Vietnamese syllables than it breaks.
"""

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable

# --- legacy encodings ------------------------------------------------------------------------

# TCVN 5712:1993 (VN3, the "ABC" fonts), byte -> letter. Capitals of toned letters live in the
# capital-letter fonts at the same bytes, so they decode to the small letters; case is folded
# afterwards anyway.
_TCVN3 = {
    "¡": "Ă", "¢": "Â", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư", "§": "Đ",
    "¨": "ă", "©": "â", "ª": "ê", "«": "ô", "¬": "ơ", "\u00ad": "ư", "®": "đ",
    "µ": "à", "¶": "ả", "·": "ã", "¸": "á", "¹": "ạ",
    "»": "ằ", "¼": "ẳ", "½": "ẵ", "¾": "ắ", "Æ": "ặ",
    "Ç": "ầ", "È": "ẩ", "É": "ẫ", "Ê": "ấ", "Ë": "ậ",
    "Ì": "è", "Î": "ẻ", "Ï": "ẽ", "Ð": "é", "Ñ": "ẹ",
    "Ò": "ề", "Ó": "ể", "Ô": "ễ", "Õ": "ế", "Ö": "ệ",
    "×": "ì", "Ø": "ỉ", "Ü": "ĩ", "Ý": "í", "Þ": "ị",
    "ß": "ò", "á": "ỏ", "â": "õ", "ã": "ó", "ä": "ọ",
    "å": "ồ", "æ": "ổ", "ç": "ỗ", "è": "ố", "é": "ộ",
    "ê": "ờ", "ë": "ở", "ì": "ỡ", "í": "ớ", "î": "ợ",
    "ï": "ù", "ñ": "ủ", "ò": "ũ", "ó": "ú", "ô": "ụ",
    "õ": "ừ", "ö": "ử", "÷": "ữ", "ø": "ứ", "ù": "ự",
    "ú": "ỳ", "û": "ỷ", "ü": "ỹ", "ý": "ý", "þ": "ỵ",
}  # fmt: skip

# VNI-Windows writes a base letter followed by a mark character; a few letters are one byte.
# Marks become Unicode combining marks and NFC composes them with the letter before.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_MARKS = {
    "ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC, "à": _CIRC + _GRAVE, "á": _CIRC + _ACUTE, "å": _CIRC + _HOOK,
    "ã": _CIRC + _TILDE, "ä": _CIRC + _DOT,
    "ê": _BREVE, "è": _BREVE + _GRAVE, "é": _BREVE + _ACUTE, "ú": _BREVE + _HOOK,
    "ü": _BREVE + _TILDE, "ë": _BREVE + _DOT,
}  # fmt: skip
_VNI_LETTERS = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "î": "ỵ",
    "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
}  # fmt: skip
_VNI = {
    **_VNI_MARKS,
    **{k.upper(): v for k, v in _VNI_MARKS.items()},
    **_VNI_LETTERS,
    **{k.upper(): v.upper() for k, v in _VNI_LETTERS.items()},
}
# In VNI "ô" and "ö" are the letters ơ/ư, but "oâ" (ô) puts the circumflex *mark* after o; the
# letters ì í ó ò stand alone (i with a tone) while ù ú ... are marks: every character of the
# table is either a mark or a letter, never both, so one translation pass is exact.
_TABLES = {"tcvn3": str.maketrans(_TCVN3), "vni": str.maketrans(_VNI)}

# Characters of Latin-1 that Unicode Vietnamese never uses: a line without any is not legacy.
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_LEGACY_HINT = re.compile(
    "["
    + "".join(
        re.escape(ch)
        for ch in map(chr, range(0xA1, 0x100))
        if ch not in _VIETNAMESE_LATIN1 and ch not in "×÷"
    )
    + "]"
)
# Letters only Unicode Vietnamese has: a word holding one is not legacy text.
_UNICODE_ONLY = re.compile(r"[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")

# A Vietnamese syllable, tone removed: initial consonant, vowel nucleus (with its glides), final.
_NUCLEI = [
    "iêu",
    "oai",
    "oao",
    "oay",
    "oeo",
    "uây",
    "uôi",
    "uya",
    "uyê",
    "uyu",
    "ươi",
    "ươu",
    "yêu",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "oo",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uơ",
    "uy",
    "ưa",
    "ưi",
    "ươ",
    "ưu",
    "yê",
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
]
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    rf"(?:{'|'.join(_NUCLEI)})"
    r"(?:ng|nh|ch|[cmnpt])?"
)
_TONES = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
# Legacy "words": TCVN3 puts letters on Latin-1 symbols (¨ © ª § µ ¸ ...), so only spaces and
# ASCII punctuation separate them.
_WORD_CHAR = r"[^\s!-/:-@\[-`{-~]"
_LEGACY_CANDIDATE = re.compile(rf"{_WORD_CHAR}*[\u00a0-\u00ff]{_WORD_CHAR}*")


@functools.lru_cache(maxsize=1 << 16)
def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONES)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


@functools.lru_cache(maxsize=1 << 16)
def _word_gain(word: str, encoding: str) -> int:
    converted = unicodedata.normalize("NFC", word.translate(_TABLES[encoding]))
    if converted == word:
        return 0
    if _UNICODE_ONLY.search(word):
        return -2  # a letter only Unicode has: this word is not legacy text
    return int(_is_syllable(converted)) - int(_is_syllable(word))


def legacy_encoding(line: str) -> str:
    """The legacy font ("tcvn3" or "vni") `line` confidently is typed in, else "".

    Up to forty words holding Latin-1 letters or symbols are tried in each encoding; the line
    counts as legacy when one encoding turns at least two more of them (or the only one) into
    Vietnamese syllables than it breaks, and at least a third of them."""
    if not _LEGACY_HINT.search(line):
        return ""
    found = [m.group() for m in itertools.islice(_LEGACY_CANDIDATE.finditer(line), 40)]
    if not found:
        return ""
    best, best_gain = "", 0
    for encoding in _TABLES:
        gain = sum(map(_word_gain, found, itertools.repeat(encoding)))
        if gain > best_gain:
            best, best_gain = encoding, gain
    if not best or best_gain < min(2, len(found)) or best_gain * 3 < len(found):
        return ""
    return best


def convert_legacy_line(line: str) -> str:
    """The line converted from TCVN3 or VNI when it is confidently one of them, else unchanged."""
    encoding = legacy_encoding(line)
    if not encoding:
        return line
    return unicodedata.normalize("NFC", line.translate(_TABLES[encoding]))


@functools.lru_cache(maxsize=1 << 18)
def _convert_token(token: str, encoding: str) -> str:
    return unicodedata.normalize("NFC", token.translate(_TABLES[encoding]))


def convert_legacy(text: str) -> str:
    """Every line of `text` converted from TCVN3/VNI where it confidently is legacy text."""
    if not _LEGACY_HINT.search(text):
        return text
    return "\n".join(convert_legacy_line(line) for line in text.split("\n"))


# --- tone placement --------------------------------------------------------------------------

# Old and new styles differ only in open syllables ending in oa, oe, uy: "hoà/hòa", "khoẻ/khỏe",
# "thuỷ/thủy". Elsewhere the rule is shared (tone on the vowel with a quality mark, else on the
# vowel before a final consonant), so moving the tone in these three pairs is enough. The
# canonical form keeps the tone on the first vowel; "qu" is an initial consonant, so "quý" stays.
_TONED = {
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ",
}  # fmt: skip
# (new style at a word's end, canonical form)
_MOVES = [
    (f"{first}{toned} ", f"{_TONED[first][i]}{second} ")
    for first, second in (("o", "a"), ("o", "e"), ("u", "y"))
    for i, toned in enumerate(_TONED[second])
]
_NEW_STYLE = re.compile(r"(?:o[àáảãạèéẻẽẹ]|u[ỳýỷỹỵ])(?= )")
_MOVE = {old[:2]: new[:2] for old, new in _MOVES}


def _move_tone(match: re.Match[str]) -> str:
    start = match.start()
    if start and match.string[start - 1] == "q":
        return match.group()  # "qu" is an initial consonant: "quý" is the same in both styles
    return _MOVE[match.group()]


def canonical_tones(text: str) -> str:
    """Lower-case words separated by spaces, with the tones of open oa/oe/uy syllables moved
    onto the first vowel."""
    return _NEW_STYLE.sub(_move_tone, f"{text} ")[:-1]


# --- the pipeline ----------------------------------------------------------------------------

# ASCII punctuation, symbols, controls and "_" become spaces byte by byte (bytes.translate is
# a table lookup); the rarer non-ASCII punctuation (“ ” – … « » no-break space) by a regex,
# only when the text has any.
_ASCII_FOLD = bytes(b if b >= 128 or chr(b).isalnum() else 32 for b in range(256))
_NON_WORD = re.compile(r"[\W_]+")


def unify(text: str) -> str:
    """`text` in NFC with its legacy-font lines converted: the steps that need whole lines."""
    if not text:
        return ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return convert_legacy(text)


def fold_words(text: str) -> str:
    """Lower case, every character that is not a letter or digit a space, canonical tones; the
    steps that work word by word (so they may be applied to each distinct token alone)."""
    text = text.lower().encode().translate(_ASCII_FOLD).decode()
    if not text.replace(" ", "").isalnum():
        text = _NON_WORD.sub(" ", text)
    return canonical_tones(text)


def unified_tokens(text: str) -> list[str]:
    """`unify(text).split()`, computed faster: legacy lines are converted token by token through
    a cache, since the same words recur."""
    if not text:
        return []
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not _LEGACY_HINT.search(text):
        return text.split()
    tokens: list[str] = []
    for line in text.split("\n"):
        encoding = legacy_encoding(line)
        if encoding:
            tokens.extend(map(_convert_token, line.split(), itertools.repeat(encoding)))
        else:
            tokens.extend(line.split())
    return tokens


def fold(text: str) -> str:
    """`fold_words(unify(text))`: the normalised words, spaces not collapsed."""
    return fold_words(unify(text)) if text else ""


def normalize(text: str) -> str:
    """Lower-case words of `text` in NFC, legacy fonts converted, canonical tones, punctuation
    and whitespace folded to single spaces."""
    return " ".join(fold(text).split())


def words(text: str) -> list[str]:
    """The normalised words of `text`."""
    normalised = normalize(text)
    return normalised.split(" ") if normalised else []


# A leading numbering ("I.", "2)", "a.") is not part of a heading's wording.
_NUMBERING = re.compile(r"^(?:[ivxlc]+|\d+|[a-zđ]) ")


def _without_numbering(normalised: str) -> str:
    return _NUMBERING.sub("", normalised, count=1)


def strip_template(text: str, template_texts: Iterable[str]) -> str:
    """`text` normalised line by line, without the lines that are the template's own headings or
    guidance: a line equal to a template line goes, a line that starts with one keeps the rest.
    Numbering before a line ("I.", "2)") is ignored on both sides.

    Template lines of fewer than three words ("Ý kiến") count only when a whole line equals
    them, so common short words are never cut from a sentence."""
    whole: set[str] = set()
    prefixes: set[str] = set()
    longest = 0
    for template in template_texts:
        for line in (template or "").split("\n"):
            normalised = _without_numbering(normalize(line))
            if not normalised:
                continue
            whole.add(normalised)
            count = normalised.count(" ") + 1
            if count >= 3:
                prefixes.add(normalised)
                longest = max(longest, count)
    kept: list[str] = []
    for line in (text or "").split("\n"):
        normalised = normalize(line)
        bare = _without_numbering(normalised)
        if not normalised or bare in whole:
            continue
        parts = bare.split(" ")
        for cut in range(min(longest, len(parts) - 1), 2, -1):
            if " ".join(parts[:cut]) in prefixes:
                normalised = " ".join(parts[cut:])
                break
        kept.append(normalised)
    return "\n".join(kept)


# --- legacy encoders (tests and benchmarks produce legacy text with these) -------------------

_TO_TCVN3 = {ord(letter): code for code, letter in _TCVN3.items()}
_VNI_MARK_OF = {marks: code for code, marks in _VNI_MARKS.items()}
_VNI_LETTER_OF = {letter: code for code, letter in _VNI_LETTERS.items()}


def to_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 as its bytes read in Latin-1; toned capitals become small letters,
    as in the ABC fonts, where capitals are a separate font."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) in _TO_TCVN3:
            out.append(_TO_TCVN3[ord(ch)])
        elif ord(ch.lower()) in _TO_TCVN3 and ch.lower() != ch:
            out.append(_TO_TCVN3[ord(ch.lower())])
        else:
            out.append(ch)
    return "".join(out)


def to_vni(text: str) -> str:
    """Unicode -> VNI-Windows as its bytes read in Latin-1."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        lower = ch.lower()
        upper = ch != lower
        if lower in _VNI_LETTER_OF and lower not in "ìíỉĩị":
            code = _VNI_LETTER_OF[lower]
            out.append(code.upper() if upper else code)
            continue
        decomposed = unicodedata.normalize("NFD", lower)
        base, marks = decomposed[0], decomposed[1:]
        if not marks or not base.isalpha():
            out.append(ch)
            continue
        if base == "i" and marks in {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}:
            code = _VNI_LETTER_OF[unicodedata.normalize("NFC", lower)]
            out.append(code.upper() if upper else code)
            continue
        if _HORN in marks:
            letter = _VNI_LETTER_OF["ơ" if base == "o" else "ư"]
            out.append(letter.upper() if upper else letter)
            marks = marks.replace(_HORN, "")
            if marks:
                out.append(_VNI_MARK_OF[marks].upper() if upper else _VNI_MARK_OF[marks])
            continue
        # Quality mark before tone, as the table's keys are written.
        marks = "".join(sorted(marks, key=lambda m: m not in (_CIRC, _BREVE)))
        if base == "y" and marks == _DOT:
            out.append("Î" if upper else "î")
            continue
        mark = _VNI_MARK_OF.get(marks)
        if mark is None:
            out.append(ch)
            continue
        out.append((base + mark).upper() if upper else base + mark)
    return "".join(out)
