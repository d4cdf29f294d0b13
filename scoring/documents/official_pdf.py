"""The publicity notice and the confirmation letters as PDF (WeasyPrint), laid out after GB/T 9704-2012 (党政机关公文
格式), and the notice as a standalone page for the office's website: pure functions of the values in official.py."""
from __future__ import annotations

import html
import io
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scoring.documents.fonts import SERIF, FontRole, font_stack
from scoring.documents.official import LetterDocument, ListColumn, NoticeDocument, Paragraph, chinese_date
from scoring.documents.score_sheet_print import printable

DRAFT_MARK = "草稿（预览）"
DRAFT_NOTE = "草稿（预览），尚未发布，不作为正式文件"
RED = "#d40000"
# GB/T 9704: 22 lines of 28 characters in a 156 × 225 mm text block. 28 characters of 16 pt are 158 mm, so each
# character gives up 0.22 pt; 22 lines of 10.2 mm fill the block (10.227 mm would, but rounding may lose a line).
BODY_PT = 16
LINE = "10.2mm"
TIGHT = "-0.22pt"
LETTER_PAGES = ("letter-a", "letter-b")  # the named pages letters alternate between (see _letters_css)
# Letters per WeasyPrint document: about a tenth of all, for the progress bar, but at least 10 (each chunk subsets
# every font once and adds them to the merged PDF) and at most 100 (a chunk's layout is held in memory). A thousand
# letters in chunks of 100 took 10-15 % less time than in chunks of 50.
CHUNK_STEPS, CHUNK_MIN, CHUNK_MAX = 10, 10, 100
# The widths of the list's narrow columns; the unit's name takes what is left and wraps.
COLUMN_WIDTHS = {ListColumn.ORDER: "3.2em", ListColumn.TYPE: "6em", ListColumn.CITY: "5em",
                 ListColumn.CREDIT_CODE: "11.5em", ListColumn.SCORE: "4.5em"}


def _e(text: str) -> str:
    return html.escape(printable(text), quote=True)


# --- print CSS shared by both documents -----------------------------------------------------------------


def _page_number(side: str, fang: str) -> str:
    """The page number after GB/T 9704 7.5: “— 1 —” in 4号 half-width digits, 7 mm below the text block, one
    character in from the outside edge (`side`: right on odd pages, left on even ones)."""
    return (f'@bottom-{side} {{ content: "— " counter(page) " —"; font-family: {fang}; font-size: 14pt; '
            f"letter-spacing: 0; vertical-align: top; padding-top: 7mm; padding-{side}: 1em; white-space: nowrap; }}")


def _print_css(page_numbers: bool) -> str:
    fang, hei, kai = font_stack(FontRole.FANGSONG), font_stack(FontRole.HEI), font_stack(FontRole.KAITI)
    numbers = (f"@page :right {{ {_page_number('right', fang)} }}\n"
               f"@page :left {{ {_page_number('left', fang)} }}") if page_numbers else ""
    return f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
         @footnote {{ margin: 0; padding: 0; border: none; }} }}
{numbers}
html {{ font-family: {fang}; font-size: {BODY_PT}pt; line-height: {LINE}; letter-spacing: {TIGHT}; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; overflow-wrap: anywhere; }}
h1 {{ font-family: "{SERIF}", {fang}; font-weight: bold; font-size: 22pt; line-height: {LINE}; letter-spacing: 0;
      text-align: center; margin: 0 0 {LINE}; }}
h2 {{ font-family: {hei}; font-weight: normal; font-size: {BODY_PT}pt; line-height: {LINE}; text-indent: 2em;
      margin: 0; break-after: avoid; }}
.lead {{ font-family: {kai}; }}
.addressee {{ text-indent: 0; }}
.signature {{ margin-top: {LINE}; break-inside: avoid; break-before: avoid; }}
.signature p {{ text-indent: 0; text-align: right; }}
.signature .issuer {{ padding-right: 2em; }}
.signature .date {{ padding-right: 4em; }}
.watermark {{ position: fixed; top: 95mm; left: -10mm; right: -10mm; text-align: center; font-family: {hei};
              font-size: 60pt; letter-spacing: 0; color: rgba(212, 0, 0, 0.12); transform: rotate(-30deg); }}
.draft-line {{ font-family: {hei}; font-size: 14pt; color: {RED}; text-align: center; text-indent: 0;
               margin: 0 0 2mm; }}
"""


def _paragraphs(texts: Sequence[str]) -> str:
    return "".join(f"<p>{_e(text)}</p>" for text in texts if printable(text))


def _signature(issuer: str, issued_on: date) -> str:
    """The issuing body and the date on the right, unsealed (GB/T 9704 7.3.5.2): 署名右空二字, 成文日期右空四字."""
    return (f'<div class="signature"><p class="issuer">{_e(issuer)}</p>'
            f'<p class="date">{chinese_date(issued_on)}</p></div>')


def _document(title: str, css: str, body: str) -> str:
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{css}</style></head><body>{body}</body></html>")


def _weasy_html(html_text: str):
    import weasyprint  # imported here: loading it (pango, fonts) takes a moment the rest of the program does not need
    from weasyprint.urls import URLFetcher

    # The page needs nothing from outside; refusing every URL keeps a stray reference from reaching the network.
    return weasyprint.HTML(string=html_text, url_fetcher=URLFetcher(allowed_protocols=()))


# --- the publicity notice -------------------------------------------------------------------------------


def _table(doc: NoticeDocument) -> str:
    cols = "".join(f'<col style="width:{COLUMN_WIDTHS[c]}">' if c in COLUMN_WIDTHS else "<col>"
                   for c in doc.columns)
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in doc.columns)
    rows = []
    for unit in doc.units:
        cells = "".join(f'<td class="{_column_class(column)}">{_e(unit.cell(column))}</td>' for column in doc.columns)
        rows.append(f"<tr>{cells}</tr>")
    return (f'<table class="list"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _column_class(column: ListColumn) -> str:
    return {ListColumn.ORDER: "c", ListColumn.NAME: "name", ListColumn.CITY: "c", ListColumn.TYPE: "c",
            ListColumn.CREDIT_CODE: "c code", ListColumn.SCORE: "c"}[column]


def _notice_body(doc: NoticeDocument) -> str:
    parts = []
    if doc.draft:
        parts.append(f'<div class="watermark">{DRAFT_MARK}</div><p class="draft-line">{DRAFT_NOTE}</p>')
    parts.append(f"<h1>{_e(doc.title)}</h1>")
    parts.append(_paragraphs(doc.body))
    parts.append(_table(doc))
    parts.append(_paragraphs(doc.after_list))
    parts.append(_paragraphs(doc.contact.lines()))
    parts.append(_signature(doc.issuer, doc.issued_on))
    return "".join(parts)


def notice_html(doc: NoticeDocument) -> str:
    """The notice as print HTML for WeasyPrint: title, body, the list (its header repeated on every page), the text
    after it, the contact, issuer and date; marked 草稿 when it is a preview. Every string from users is escaped."""
    hei, song = font_stack(FontRole.HEI), font_stack(FontRole.SONG)
    css = _print_css(page_numbers=True) + f"""
table.list {{ width: 100%; border-collapse: collapse; table-layout: fixed; margin: 2mm 0 {LINE};
              font-family: {song}; font-size: 12pt; line-height: 1.45; letter-spacing: 0; }}
table.list thead {{ display: table-header-group; }}
table.list tr {{ break-inside: avoid; }}
table.list th {{ font-family: {hei}; font-weight: normal; text-align: center; background: #f2f2f2; }}
table.list th, table.list td {{ border: 0.75pt solid #000; padding: 1.2mm 1.5mm; vertical-align: middle; }}
table.list td.c {{ text-align: center; }}
table.list td.name {{ overflow-wrap: anywhere; }}
table.list td.code {{ font-size: 10.5pt; }}
"""
    return _document(doc.title, css, _notice_body(doc))


def notice_pdf(doc: NoticeDocument) -> bytes:
    """The notice as an A4 PDF with the Chinese faces of fonts.py embedded (FontMissing if none is installed)."""
    return _weasy_html(notice_html(doc)).write_pdf()


WEB_FONTS = '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
WEB_CSS = f"""
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 24px 16px 48px; background: #f5f5f5; color: #222; font-family: {WEB_FONTS};
        font-size: 16px; line-height: 1.8; }}
main {{ max-width: 860px; margin: 0 auto; background: #fff; padding: 32px 40px; border-top: 4px solid {RED}; }}
h1 {{ font-size: 24px; line-height: 1.5; text-align: center; margin: 0 0 24px; font-weight: bold; }}
p {{ margin: 0 0 8px; text-indent: 2em; text-align: justify; overflow-wrap: anywhere; }}
.draft {{ border: 1px solid {RED}; color: {RED}; background: #fff5f5; padding: 8px 12px; margin: 0 0 16px;
          text-indent: 0; text-align: center; font-weight: bold; }}
.watermark {{ position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 64px; font-weight: bold;
              color: rgba(212, 0, 0, 0.08); transform: rotate(-30deg); pointer-events: none; z-index: 10; }}
.table-wrap {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 12px 0 20px; }}
table {{ border-collapse: collapse; width: 100%; min-width: 560px; font-size: 15px; line-height: 1.6; }}
th, td {{ border: 1px solid #999; padding: 6px 8px; vertical-align: middle; }}
th {{ background: #f0f0f0; font-weight: bold; white-space: nowrap; text-align: center; }}
td.c {{ text-align: center; white-space: nowrap; }}
td.name {{ overflow-wrap: anywhere; min-width: 12em; }}
.signature {{ margin-top: 28px; }}
.signature p {{ text-indent: 0; text-align: right; margin: 0; }}
.signature .issuer {{ padding-right: 2em; }}
.signature .date {{ padding-right: 4em; }}
@media (max-width: 600px) {{
  body {{ padding: 0; }}
  main {{ padding: 20px 14px; }}
  h1 {{ font-size: 20px; }}
}}
"""


def notice_web_html(doc: NoticeDocument) -> str:
    """The notice as a standalone page for the office's website: no external resources, readable on a phone, the
    list scrolls sideways on a narrow screen; marked 草稿 when it is a preview. Every string from users is escaped."""
    parts = []
    if doc.draft:
        parts.append(f'<div class="watermark" aria-hidden="true">{DRAFT_MARK}</div>'
                     f'<p class="draft">{DRAFT_NOTE}</p>')
    parts.append(f"<h1>{_e(doc.title)}</h1>")
    parts.append(_paragraphs(doc.body))
    parts.append(f'<div class="table-wrap">{_table(doc)}</div>')
    parts.append(_paragraphs(doc.after_list))
    parts.append(_paragraphs(doc.contact.lines()))
    parts.append(_signature(doc.issuer, doc.issued_on))
    title = f"{DRAFT_MARK}{doc.title}" if doc.draft else doc.title
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{WEB_CSS}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>")


# --- the confirmation letters ---------------------------------------------------------------------------


def _letters_css() -> str:
    fang = font_stack(FontRole.FANGSONG)
    # Each letter numbers its own pages: letters alternate between two named pages, so that each one is a page group
    # whose first page resets the counter and whose odd and even pages carry the number right and left.
    numbers = "\n".join(f"@page {name}:nth(1 of {name}) {{ counter-reset: page 1; }}\n"
                         f"@page {name}:nth(2n+1 of {name}) {{ {_page_number('right', fang)} }}\n"
                         f"@page {name}:nth(2n of {name}) {{ {_page_number('left', fang)} }}"
                         for name in LETTER_PAGES)
    return _print_css(page_numbers=False) + numbers + f"""
section.letter {{ break-before: page; }}
section.letter.even {{ page: {LETTER_PAGES[0]}; }}
section.letter.odd {{ page: {LETTER_PAGES[1]}; }}
.mark {{ font-family: "{SERIF}", {fang}; font-weight: bold; color: {RED}; text-align: center; letter-spacing: 0.1em;
         line-height: 1.2; margin: 0 0 {LINE}; }}
.number {{ text-align: center; text-indent: 0; letter-spacing: 0; margin: 0; }}
.red-rule {{ border-top: 1.2pt solid {RED}; margin: 4mm 0 {LINE}; height: 0; }}
.record {{ float: footnote; font-size: 14pt; line-height: 7mm; letter-spacing: 0; }}
.record::footnote-call {{ content: none; }}
.record::footnote-marker {{ content: none; }}
.record p {{ text-indent: 0; text-align: left; padding: 0.5mm 1em; }}
.record .copy {{ border-top: 0.35mm solid #000; border-bottom: 0.25mm solid #000; }}
.record .printer {{ margin-bottom: -7mm; }}
.record .printed {{ border-bottom: 0.35mm solid #000; text-align: right; }}
"""


def _mark_size(issuer: str) -> str:
    """The size of the 发文机关标志: 小初 (36 pt) unless the name would not fit the 156 mm line, then smaller."""
    characters = len(printable(issuer)) + 2  # and “文件”
    return f"{min(36.0, round(420 / max(characters, 1), 1))}pt"


def _paragraph(paragraph: Paragraph) -> str:
    lead = f'<span class="lead">{_e(paragraph.lead)}</span>' if printable(paragraph.lead) else ""
    return f"<p>{lead}{_e(paragraph.text)}</p>"


def _letter_html(index: int, letter: LetterDocument) -> str:
    parts = [f'<section class="letter {"odd" if index % 2 else "even"}" id="letter-{index}">',
             f'<div class="mark" style="font-size:{_mark_size(letter.issuer)}">{_e(letter.issuer)}文件</div>',
             f'<p class="number">{_e(letter.number)}</p><div class="red-rule"></div>',
             f"<h1>{_e(letter.title)}</h1>",
             f'<p class="addressee">{_e(letter.addressee)}：</p>',
             _paragraphs(letter.opening)]
    for section in letter.sections:
        parts.append(f"<h2>{_e(section.heading)}</h2>")
        parts.extend(_paragraph(p) for p in section.paragraphs)
    parts.append(_paragraphs(letter.closing))
    parts.append(_signature(letter.issuer, letter.issued_on))
    # 版记 (GB/T 9704 7.4): a footnote, so that it sits at the bottom of the letter's last page.
    copy_to = "，".join(printable(c) for c in letter.copy_to if printable(c))
    record = [f'<p class="copy">抄送：{html.escape(copy_to)}。</p>'] if copy_to else []
    # The printer on the left and the date on the right of one line; two blocks, the first pulled down over the
    # second, lay out much faster than a float.
    record.append(f'<p class="printer">{_e(letter.printer)}</p>'
                  f'<p class="printed">{chinese_date(letter.printed_on)}印发</p>')
    parts.append(f'<div class="record">{"".join(record)}</div></section>')
    return "".join(parts)


def letters_html(letters: Sequence[LetterDocument]) -> str:
    """The letters as one print HTML for WeasyPrint, each starting on a new page. Every string from users is
    escaped."""
    title = printable(letters[0].title) if letters else "确认通知"
    return _document(title, _letters_css(), "".join(_letter_html(i, letter) for i, letter in enumerate(letters)))


def letter_pdf(letter: LetterDocument) -> bytes:
    """One letter as an A4 PDF."""
    return _weasy_html(letters_html([letter])).write_pdf()


@dataclass
class RenderedLetters:
    """The letters as one PDF (each letter from a new page) and as one PDF per letter, in the same order."""

    merged: bytes
    each: list[bytes] = field(default_factory=list)


def _first_pages(document, count: int) -> list[int]:
    """The index of the page each letter starts on, found by the anchor of its section."""
    starts: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("letter-"):
                starts.setdefault(int(anchor.removeprefix("letter-")), number)
    return [starts[i] for i in range(count)]


def _split(pdf: bytes, starts: Sequence[int]) -> list[bytes]:
    """A PDF cut into the runs of pages that begin at `starts`; each part keeps the fonts its pages use."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    parts = []
    for start, end in zip(starts, [*starts[1:], len(reader.pages)], strict=True):
        writer = PdfWriter()
        for page in range(start, end):
            writer.add_page(reader.pages[page])
        buffer = io.BytesIO()
        writer.write(buffer)
        parts.append(buffer.getvalue())
    return parts


def _render_chunk(letters: Sequence[LetterDocument]) -> tuple[bytes, list[bytes]]:
    """Some letters as one PDF, and cut into one PDF per letter. A worker process runs it for a chunk of letters."""
    document = _weasy_html(letters_html(letters)).render()
    pdf = document.write_pdf()
    return pdf, _split(pdf, _first_pages(document, len(letters)))


class _Merger:
    """Chunk PDFs appended in order as they arrive (out of order from the workers), so that merging overlaps the
    rendering of the chunks still out; a single chunk is the merged PDF as it is."""

    def __init__(self) -> None:
        self.writer, self.first, self.waiting, self.next = None, b"", {}, 0

    def add(self, index: int, pdf: bytes) -> None:
        from pypdf import PdfWriter

        self.waiting[index] = pdf
        while self.next in self.waiting:
            pdf = self.waiting.pop(self.next)
            if self.next == 0:
                self.first = pdf
            else:
                if self.writer is None:
                    self.writer = PdfWriter()
                    self.writer.append(io.BytesIO(self.first))
                self.writer.append(io.BytesIO(pdf))
            self.next += 1

    def pdf(self) -> bytes:
        if self.writer is None:
            return self.first
        buffer = io.BytesIO()
        self.writer.write(buffer)
        return buffer.getvalue()


def _write_blocks(stream, blocks: Sequence[bytes]) -> None:
    stream.write(len(blocks).to_bytes(4, "big"))
    for block in blocks:
        stream.write(len(block).to_bytes(8, "big"))
        stream.write(block)
    stream.flush()


def _read_blocks(stream) -> list[bytes] | None:
    """The blocks `_write_blocks` wrote, or None at the end of the stream."""
    header = stream.read(4)
    if len(header) < 4:
        return None
    blocks = []
    for _ in range(int.from_bytes(header, "big")):
        size = int.from_bytes(stream.read(8), "big")
        block = stream.read(size)
        if len(block) != size:
            return None
        blocks.append(block)
    return blocks


def _worker() -> None:
    """A worker process (`python -m scoring.documents.official_pdf`): reads chunks of letters (JSON) from stdin and
    writes each chunk's PDF followed by its letters' PDFs to stdout, until stdin closes."""
    while (blocks := _read_blocks(sys.stdin.buffer)) is not None:
        letters = [LetterDocument.model_validate(item) for item in json.loads(blocks[0])]
        pdf, each = _render_chunk(letters)
        _write_blocks(sys.stdout.buffer, [pdf, *each])


class WorkerFailed(RuntimeError):
    """A worker process rendering letters ended without a result. Not a ReviewError: it wraps whatever went wrong in
    the worker, a bug in the rendering as much as a killed process, so it surfaces as the traceback of a bug."""


def _serve(chunks: queue.SimpleQueue, results: queue.SimpleQueue) -> None:
    """A thread that feeds chunks to one worker process and passes on what comes back: (index, blocks), or
    (index, WorkerFailed) and then it stops."""
    try:
        _feed_worker(chunks, results)
    except Exception as exc:  # noqa: BLE001 — whatever it is, the caller waiting for results must hear of it
        results.put((-1, WorkerFailed(f"生成确认通知 PDF 的子进程出错：{exc}")))


def _feed_worker(chunks: queue.SimpleQueue, results: queue.SimpleQueue) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([sys.executable, "-m", "scoring.documents.official_pdf"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=errors, env=env)
        try:
            while (item := chunks.get()) is not None:
                index, payload = item
                blocks = None
                try:
                    _write_blocks(process.stdin, [payload])
                    blocks = _read_blocks(process.stdout)
                except OSError:
                    pass
                if blocks is None:
                    process.kill()
                    process.wait()
                    errors.seek(0)
                    tail = errors.read().decode("utf-8", "replace")[-2000:]
                    results.put((index, WorkerFailed(f"生成确认通知 PDF 的子进程异常退出：{tail}")))
                    return
                results.put((index, blocks))
        finally:
            if process.poll() is None:
                process.stdin.close()
                process.wait()


def render_letters(letters: Sequence[LetterDocument], progress: Callable[[int, int], None] | None = None, *,
                   chunk_size: int | None = None, workers: int | None = None) -> RenderedLetters:
    """All letters as one PDF (each from a new page) and as one PDF each, in order; `progress(done, total)` is called
    on the caller's thread after every chunk of letters, ending with (total, total).

    WeasyPrint lays out some 30 pages a second on one core, so when there are several chunks they are rendered by
    worker processes, one per core (at most four). They are started with `python -m` rather than multiprocessing,
    which would fork a threaded Streamlit server or re-import the caller's main script. Each chunk is written once and
    cut into its letters with pypdf, so the Chinese font is subset once per chunk rather than once per letter."""
    total = len(letters)
    report = progress or (lambda done, all_: None)
    size = chunk_size or min(CHUNK_MAX, max(CHUNK_MIN, -(-total // CHUNK_STEPS)))
    chunks = [list(letters[begin:begin + size]) for begin in range(0, total, max(1, size))]
    workers = min(4, os.cpu_count() or 1, len(chunks)) if workers is None else min(workers, len(chunks))
    if not chunks:
        report(0, 0)
        return RenderedLetters(merged=b"", each=[])
    rendered: dict[int, list[bytes]] = {}
    merger = _Merger()
    done = 0
    if workers < 2:
        for index, chunk in enumerate(chunks):
            pdf, rendered[index] = _render_chunk(chunk)
            merger.add(index, pdf)
            done += len(chunk)
            report(done, total)
    else:
        todo, results = queue.SimpleQueue(), queue.SimpleQueue()
        for index, chunk in enumerate(chunks):
            todo.put((index, json.dumps([letter.model_dump(mode="json") for letter in chunk]).encode()))
        for _ in range(workers):
            todo.put(None)
        threads = [threading.Thread(target=_serve, args=(todo, results), daemon=True) for _ in range(workers)]
        for thread in threads:
            thread.start()
        try:
            while len(rendered) < len(chunks):
                index, blocks = results.get()
                if isinstance(blocks, WorkerFailed):
                    raise blocks
                rendered[index] = blocks[1:]
                merger.add(index, blocks[0])
                done += len(chunks[index])
                report(done, total)
        finally:
            while not todo.empty():  # a failure: let the other workers stop after their current chunk
                todo.get()
            for _ in range(workers):
                todo.put(None)
    return RenderedLetters(merged=merger.pdf(), each=[one for index in range(len(chunks)) for one in rendered[index]])


if __name__ == "__main__":
    _worker()
