"""Party-layout .docx documents (Guidance 36-HD/VPTW, 2018): build, read back, convert to PDF.

Callers pass plain data; every human text is an argument, inserted literally (NFC), never
interpreted. Layout: A4 portrait, Times New Roman, a borderless two-column header, type and
summary, body, and a borderless two-column bottom (recipients left, signature right).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

FONT = "Times New Roman"
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
PDF_TIMEOUT_SECONDS = 60

# Text width of A4 (21 cm) less the 3 cm left and 2 cm right margins.
_TEXT_WIDTH_CM = 16.0
_HEADER_WIDTHS_CM = (7.0, 9.0)
_BOTTOM_WIDTHS_CM = (8.0, 8.0)
# Characters XML 1.0 cannot hold; a pasted control character must not crash the build.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A .docx whose main part unpacks beyond this is refused (a "zip bomb" disguised as a report).
_MAX_DOCUMENT_XML_BYTES = 50 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    indent_first_line: bool = True


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths_cm: list[float] | None = None


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Paragraph | Heading | Table | PageBreak


@dataclass
class PartyDocument:
    superior_body: str
    issuing_body: str
    number_symbol: str
    place: str
    date: datetime.date
    doc_type: str
    summary: str
    body: list[Block]
    signer_title: str
    signer_name: str
    recipients: list[str] = field(default_factory=list)
    signer_role: str = ""
    confidential: str = ""


class PdfConversionError(RuntimeError):
    """LibreOffice is installed but could not convert the document."""


def vietnamese_date_line(place: str, date: datetime.date) -> str:
    """'Hà Nội, ngày 05 tháng 03 năm 2024': day and month on two digits, as 36-HD/VPTW shows."""
    return f"{_clean(place)}, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}"


def build_party_docx(doc: PartyDocument) -> bytes:
    """The document as .docx bytes in the party layout."""
    document = docx.Document()
    _set_up_page(document)
    _set_up_normal_style(document)
    # The default template starts with one empty paragraph; the header table goes before it.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)

    _add_header(document, doc)
    _spacer(document)
    _add_type_and_summary(document, doc)
    for block in doc.body:
        _add_block(document, block)
    _spacer(document)
    _add_bottom(document, doc)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_to_text(data: bytes) -> str:
    """Plain text of a .docx: paragraphs and table cells in document order, NFC, one a line."""
    document = _open_docx(data)
    text = "\n".join(line.rstrip() for line in _block_texts(document))
    # Spacing paragraphs leave runs of empty lines; one blank line keeps the structure.
    text = re.sub(r"\n{3,}", "\n\n", text)
    return unicodedata.normalize("NFC", text.strip())


def convert_to_pdf(data: bytes, *, timeout: float = PDF_TIMEOUT_SECONDS) -> bytes | None:
    """PDF bytes through headless LibreOffice, or None when LibreOffice is not installed."""
    executable = shutil.which("soffice") or shutil.which("libreoffice")
    if executable is None:
        return None
    with tempfile.TemporaryDirectory(prefix="tusoi-pdf-") as tmp:
        workdir = Path(tmp)
        source = workdir / "document.docx"
        source.write_bytes(data)
        outdir = workdir / "out"
        outdir.mkdir()
        # A private profile per run: concurrent conversions never share (or lock) one profile.
        profile = (workdir / "profile").as_uri()
        command = [
            executable,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = {**os.environ, "HOME": str(workdir)}
        # A new session so that a timeout kills soffice.bin too, not only the launcher script.
        process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
            command,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise PdfConversionError(
                _("LibreOffice did not finish converting the file to PDF in the time allowed.")
            ) from None
        pdf = outdir / "document.pdf"
        if process.returncode != 0 or not pdf.is_file():
            detail = stderr.decode("utf-8", "replace").strip()[:500]
            raise PdfConversionError(
                _("LibreOffice could not convert the file to PDF. %(detail)s") % {"detail": detail}
            )
        return pdf.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """Stop LibreOffice and every process it started (it forks soffice.bin)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


# Building -------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", unicodedata.normalize("NFC", text or ""))


def _upper(text: str) -> str:
    return _clean(text).upper()


def _set_up_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Cm(21)
    section.page_height = Cm(29.7)
    section.top_margin = Cm(2)
    section.bottom_margin = Cm(2)
    section.left_margin = Cm(3)
    section.right_margin = Cm(2)


def _set_fonts(rpr_owner) -> None:
    """Times New Roman for every script, East Asian included, so Word substitutes nothing."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _set_up_normal_style(document: docx.document.Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _set_fonts(normal.element)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _run(
    paragraph: DocxParagraph,
    text: str,
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
):
    run = paragraph.add_run(_clean(text))
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if underline:
        run.font.underline = True
    _set_fonts(run._r)
    return run


def _paragraph(
    container,
    text: str = "",
    *,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> DocxParagraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _spacer(document: docx.document.Document) -> None:
    _paragraph(document, "")


def _borderless_table(document: docx.document.Document, widths_cm: tuple[float, ...]) -> DocxTable:
    table = document.add_table(rows=1, cols=len(widths_cm))
    table.style = None  # "Normal Table": no borders
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for cell, width in zip(table.rows[0].cells, widths_cm, strict=True):
        cell.width = Cm(width)
    return table


class _CellWriter:
    """Appends paragraphs to a table cell, filling the empty one a new cell starts with first."""

    def __init__(self, cell) -> None:
        self.cell = cell
        self.started = False

    def add(self, text: str, *, align=WD_ALIGN_PARAGRAPH.CENTER, **run_format) -> DocxParagraph:
        if self.started:
            paragraph = self.cell.add_paragraph()
        else:
            paragraph = self.cell.paragraphs[0]
            self.started = True
        paragraph.alignment = align
        if text:
            _run(paragraph, text, **run_format)
        return paragraph


def _add_header(document: docx.document.Document, doc: PartyDocument) -> None:
    table = _borderless_table(document, _HEADER_WIDTHS_CM)
    left, right = (_CellWriter(cell) for cell in table.rows[0].cells)

    if doc.superior_body.strip():
        left.add(_upper(doc.superior_body), size=14)
    left.add(_upper(doc.issuing_body), size=14, bold=True)
    left.add("*", size=14)
    number = _clean(doc.number_symbol).strip()
    if number:
        if not number.casefold().startswith("số"):
            number = f"Số {number}"
        left.add(number, size=14)
    if doc.confidential.strip():
        left.add(_upper(doc.confidential), size=14, bold=True)

    # Underlining the whole run gives a solid line exactly as long as the text.
    right.add(PARTY_NAME, size=15, bold=True, underline=True)
    right.add("", size=14)
    right.add(vietnamese_date_line(doc.place, doc.date), size=14, italic=True)


def _add_type_and_summary(document: docx.document.Document, doc: PartyDocument) -> None:
    _paragraph(document, _upper(doc.doc_type), size=16, bold=True)
    if doc.summary.strip():
        _paragraph(document, doc.summary, size=14, bold=True)
    _spacer(document)


def _body_format(paragraph: DocxParagraph, *, indent: bool) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = paragraph.paragraph_format
    fmt.line_spacing = 1.15
    fmt.space_after = Pt(6)
    fmt.first_line_indent = Cm(1) if indent else None


def _add_block(document: docx.document.Document, block: Block) -> None:
    if isinstance(block, Paragraph):
        paragraph = document.add_paragraph()
        _body_format(paragraph, indent=block.indent_first_line)
        _run(paragraph, block.text, size=14, bold=block.bold, italic=block.italic)
    elif isinstance(block, Heading):
        paragraph = document.add_paragraph()
        _body_format(paragraph, indent=True)
        paragraph.paragraph_format.keep_with_next = True
        _run(paragraph, block.text, size=14, bold=True, italic=block.level >= 2)
    elif isinstance(block, Table):
        _add_table(document, block)
    elif isinstance(block, PageBreak):
        document.add_page_break()
    else:
        raise TypeError(f"Unknown block: {block!r}")


def _add_table(document: docx.document.Document, block: Table) -> None:
    columns = max([len(block.headers), *(len(row) for row in block.rows)], default=0)
    if columns == 0:
        return
    widths = block.widths_cm or [_TEXT_WIDTH_CM / columns] * columns
    widths = (list(widths) + [widths[-1]] * columns)[:columns]
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    rows = ([block.headers] if block.headers else []) + list(block.rows)
    for index, values in enumerate(rows):
        is_header = bool(block.headers) and index == 0
        cells = table.add_row().cells
        for cell, width, value in zip(cells, widths, _pad(values, columns), strict=True):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if is_header else WD_ALIGN_PARAGRAPH.LEFT
            )
            _run(paragraph, value, size=13, bold=is_header)
        if is_header:
            _repeat_as_header(table.rows[-1])
    _spacer(document)


def _pad(values: list[str], columns: int) -> list[str]:
    return [str(value) for value in values] + [""] * (columns - len(values))


def _repeat_as_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def _add_bottom(document: docx.document.Document, doc: PartyDocument) -> None:
    table = _borderless_table(document, _BOTTOM_WIDTHS_CM)
    left, right = (_CellWriter(cell) for cell in table.rows[0].cells)

    if doc.recipients:
        left.add("Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for recipient in doc.recipients:
            left.add(f"- {_clean(recipient)}", size=12, align=WD_ALIGN_PARAGRAPH.LEFT)

    if doc.signer_role.strip():
        right.add(_upper(doc.signer_role), size=14, bold=True)
    if doc.signer_title.strip():
        right.add(_upper(doc.signer_title), size=14, bold=True)
    for _blank in range(4):  # room for the signature and the seal
        right.add("")
    right.add(doc.signer_name, size=14, bold=True)


# Reading --------------------------------------------------------------------------------


def _open_docx(data: bytes) -> docx.document.Document:
    if not data:
        raise ValueError(_("The file is empty, not a Word file (.docx)."))
    if data.startswith(b"%PDF"):
        raise ValueError(_("This is a PDF file, not a Word file (.docx). Upload the .docx file."))
    if data.startswith(_OLE2):
        raise ValueError(
            _(
                "This file is password-protected or an old Word file (.doc). Remove the "
                "password or save it as .docx, then upload it again."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ValueError(_("This is not a valid Word file (.docx).")) from None
    with archive:
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise ValueError(
                _(
                    "This archive holds no Word document (word/document.xml is missing); "
                    "it is not a .docx file."
                )
            ) from None
        if info.file_size > _MAX_DOCUMENT_XML_BYTES:
            raise ValueError(_("This Word file unpacks to too much data and cannot be read."))
    try:
        return docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises KeyError, ValueError, lxml and zip errors alike
        raise ValueError(_("This Word file (.docx) is damaged or cannot be read.")) from None


def _block_texts(container) -> Iterator[str]:
    for item in container.iter_inner_content():
        if isinstance(item, DocxParagraph):
            yield item.text
        elif isinstance(item, DocxTable):
            yield from _table_texts(item)


def _table_texts(table: DocxTable) -> Iterator[str]:
    seen: set = set()  # lxml elements hash by identity and stay alive while held here
    for row in table.rows:
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; read it once.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _block_texts(cell)
