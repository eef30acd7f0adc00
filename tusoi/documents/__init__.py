"""Party-layout documents (Guidance 36-HD/VPTW): a library that knows no TuSoi app.

Callers describe a document with `PartyDocument` and its body `Block`s, get .docx bytes from
`build_party_docx`, read an uploaded .docx back with `docx_to_text` (ValueError with a
Vietnamese message when the bytes are not one) and, where LibreOffice is installed, a PDF from
`convert_to_pdf` (None when it is not).
"""

from tusoi.documents.party_docx import (
    Block,
    Heading,
    PageBreak,
    Paragraph,
    PartyDocument,
    PdfConversionError,
    Table,
    build_party_docx,
    convert_to_pdf,
    docx_to_text,
    vietnamese_date_line,
)

__all__ = [
    "Block",
    "Heading",
    "PageBreak",
    "Paragraph",
    "PartyDocument",
    "PdfConversionError",
    "Table",
    "build_party_docx",
    "convert_to_pdf",
    "docx_to_text",
    "vietnamese_date_line",
]
