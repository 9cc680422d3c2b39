"""XLSX and ODS written as a streamed ZIP: constant memory, first bytes at once, no temp file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime

from .formats import DANGEROUS, FLUSH_BYTES, ExportFormat

# Deflated XML is ~8x smaller; ZIP64 only when the sheet may pass 2 GiB uncompressed.
ZIP64_ROWS = 1_000_000
_ESCAPE = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}
_ESCAPE.update({c: None for c in range(32) if c not in (9, 10, 13)})
_EPOCH = datetime(1899, 12, 30)


def xml_text(value: str) -> str:
    """Text safe inside an XML element (markup escaped, control characters dropped)."""
    return value.translate(_ESCAPE)


class _Sink(io.RawIOBase):
    """An unseekable write target whose bytes the generator hands out as they come."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, data) -> int:
        """Keep the bytes until taken."""
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def take(self) -> bytes:
        """Everything written since the last call."""
        out = b"".join(self.parts)
        self.parts, self.size = [], 0
        return out


def stream_zip(entries: Iterable[tuple[str, bool, Iterable[str], bool]]) -> Iterator[bytes]:
    """Yield a ZIP of (name, deflate, text chunks, zip64) entries as it is written."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w") as archive:
        for name, deflate, chunks, zip64 in entries:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=zip64) as handle:
                for chunk in chunks:
                    handle.write(chunk.encode("utf-8"))
                    if sink.size > FLUSH_BYTES:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


def _batched(header: str, lines: Iterator[str], footer: str) -> Iterator[str]:
    parts, size = [header], len(header)
    for line in lines:
        parts.append(line)
        size += len(line)
        if size > FLUSH_BYTES:
            yield "".join(parts)
            parts, size = [], 0
    parts.append(footer)
    yield "".join(parts)


def _serial(value: str) -> str:
    moment = datetime(
        int(value[0:4]), int(value[5:7]), int(value[8:10]),
        int(value[11:13]), int(value[14:16]), int(value[17:19]),
    )  # fmt: skip
    return f"{(moment - _EPOCH).total_seconds() / 86400:.6f}"


XLSX_FILES = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',  # noqa: E501
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',  # noqa: E501
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="completions" sheetId="1" r:id="rId1"/></sheets></workbook>',  # noqa: E501
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',  # noqa: E501
    "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',  # noqa: E501
}
XLSX_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'  # noqa: E501


class XlsxFormat(ExportFormat):
    """Office Open XML workbook, one sheet, inline strings, dates as date cells."""

    name, extension = "xlsx", "xlsx"
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def _lines(self, rows: Iterable[list], kinds: list[str]) -> Iterator[str]:
        for row in rows:
            cells = []
            for value, kind in zip(row, kinds, strict=False):
                if value is None:
                    cells.append("<c/>")
                elif kind == "date":
                    cells.append(f'<c s="1"><v>{_serial(value)}</v></c>')
                elif kind in ("int", "float"):
                    cells.append(f"<c><v>{value}</v></c>")
                else:
                    if kind == "text" and value[0:1] in DANGEROUS:
                        value = "'" + value
                    cells.append(f'<c t="inlineStr"><is><t>{value.translate(_ESCAPE)}</t></is></c>')
            yield f"<row>{''.join(cells)}</row>"

    def stream(
        self, header: list[str], rows: Iterable[list], kinds: list[str] | None = None
    ) -> Iterator[bytes]:
        """Yield the workbook's ZIP as it is built."""
        head = "".join(f'<c t="inlineStr" s="2"><is><t>{xml_text(h)}</t></is></c>' for h in header)
        sheet = _batched(
            f"{XLSX_HEAD}<row>{head}</row>",
            self._lines(rows, kinds or ["text"] * len(header)),
            "</sheetData></worksheet>",
        )
        entries = [(n, True, [text], False) for n, text in XLSX_FILES.items()]
        entries.append(("xl/worksheets/sheet1.xml", True, sheet, self.rows_hint > ZIP64_ROWS))
        yield from stream_zip(entries)


ODS_NS = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" office:version="1.2"'  # noqa: E501
ODS_MANIFEST = f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest {ODS_NS}><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/></manifest:manifest>'  # noqa: E501
ODS_STYLES = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {ODS_NS}><office:styles/></office:document-styles>'  # noqa: E501
ODS_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODS_NS}><office:automatic-styles><number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/></number:date-style><style:style style:name="dt" style:family="table-cell" style:data-style-name="N1"/></office:automatic-styles><office:body><office:spreadsheet><table:table table:name="completions">'  # noqa: E501
ODS_FOOT = "</table:table></office:spreadsheet></office:body></office:document-content>"


class OdsFormat(ExportFormat):
    """OpenDocument spreadsheet, one table, dates as date cells."""

    name, extension = "ods", "ods"
    mimetype = "application/vnd.oasis.opendocument.spreadsheet"

    def _lines(self, rows: Iterable[list], kinds: list[str]) -> Iterator[str]:
        for row in rows:
            cells = []
            for value, kind in zip(row, kinds, strict=False):
                if value is None:
                    cells.append("<table:table-cell/>")
                elif kind == "date":
                    cells.append(
                        '<table:table-cell table:style-name="dt" office:value-type="date" '
                        f'office:date-value="{value[:19]}"><text:p>{value}</text:p>'
                        "</table:table-cell>"
                    )
                elif kind in ("int", "float"):
                    cells.append(
                        f'<table:table-cell office:value-type="float" office:value="{value}">'
                        f"<text:p>{value}</text:p></table:table-cell>"
                    )
                else:
                    if kind == "text" and value[0:1] in DANGEROUS:
                        value = "'" + value
                    cells.append(
                        '<table:table-cell office:value-type="string"><text:p>'
                        f"{value.translate(_ESCAPE)}</text:p></table:table-cell>"
                    )
            yield f"<table:table-row>{''.join(cells)}</table:table-row>"

    def stream(
        self, header: list[str], rows: Iterable[list], kinds: list[str] | None = None
    ) -> Iterator[bytes]:
        """Yield the document's ZIP as it is built (mimetype first, stored)."""
        head = "".join(
            '<table:table-cell office:value-type="string">'
            f"<text:p>{xml_text(h)}</text:p></table:table-cell>"
            for h in header
        )
        content = _batched(
            f"{ODS_HEAD}<table:table-row>{head}</table:table-row>",
            self._lines(rows, kinds or ["text"] * len(header)),
            ODS_FOOT,
        )
        yield from stream_zip(
            [
                ("mimetype", False, [self.mimetype], False),
                ("META-INF/manifest.xml", True, [ODS_MANIFEST], False),
                ("styles.xml", True, [ODS_STYLES], False),
                ("content.xml", True, content, self.rows_hint > ZIP64_ROWS),
            ]
        )
