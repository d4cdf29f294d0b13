"""Benchmark: 1,000 confirmation letters (确认通知) as .docx and .pdf, with the merged PDF and the zip (issue 7; aim
under 60 s on 2 cores).

Composes 1,000 letters the way the app does (scoring.publicity.confirmation.compose_letter over a published notice and a
confirmed list of 1,000 units with long real-looking names), then times what 生成全部确认通知 does with them:
the .docx files, the PDFs (one WeasyPrint document, split per letter), the zip, and writing everything to disk.
Prints the figures and the peak memory of the process.
"""
from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIES = ("沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市", "营口市", "阜新市", "辽阳市", "盘锦市",
          "铁岭市", "朝阳市", "葫芦岛市")


def letters(count: int):
    from scoring.publicity.confirmation import LetterSettings, compose_letter
    from scoring.documents.official import Contact, ListedUnit
    from scoring.publicity.notices import NoticeSettings, PublishedNotice, compose_notice
    from scoring.publicity.workdays import WorkCalendar, working_period

    units = [ListedUnit(order=n, credit_code=f"12210000{n:09d}X", unit_name=f"辽宁省第{n}理工大学知识产权运营中心（技术转移中心）",
                        unit_type="高等学校", city=CITIES[n % len(CITIES)]) for n in range(1, count + 1)]
    settings = NoticeSettings(start_date=date(2023, 6, 5), contact=Contact(person="王明", phone="024-12345678"))
    period = working_period(WorkCalendar(), settings.start_date, settings.working_days)
    document = compose_notice(settings, 2023, units, period, draft=False)
    notice = PublishedNotice(round_id="2023-01", version=1, shortlist_version=1, shortlist_sha256="0" * 64,
                             settings=settings, document=document, start=period.start, end=period.end,
                             sha256="0" * 64, reason="bench", published_by="bench", published_at=datetime(2023, 6, 1))
    letter_settings = LetterSettings(funding_wan=Decimal("50"), issued_on=date(2023, 6, 20))
    return [compose_letter(letter_settings, 2023, notice, unit, f"辽知发〔2023〕{unit.order}号", date(2023, 6, 20))
            for unit in units]


def main() -> int:
    parser = argparse.ArgumentParser(description="确认通知生成基准测试")
    parser.add_argument("--letters", type=int, default=1000, help="通知份数（默认 1000）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")
    args = parser.parse_args()

    from pypdf import PdfReader

    from scoring.documents.official_docx import letter_docx
    from scoring.documents.official_pdf import render_letters
    from scoring.publicity.files import letter_names, zip_files

    composed = letters(args.letters)
    names = letter_names(composed)
    letter_docx(composed[0])  # the template is prepared once per process, as in the app
    started = time.perf_counter()
    word = {f"{name}.docx": letter_docx(letter) for name, letter in zip(names, composed)}
    docx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rendered = render_letters(composed)
    pdf_seconds = time.perf_counter() - started
    started = time.perf_counter()
    files = {**word, **{f"{name}.pdf": pdf for name, pdf in zip(names, rendered.each)}}
    archive = zip_files({**files, "确认通知（合并）.pdf": rendered.merged})
    zip_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        (Path(folder) / "all.zip").write_bytes(archive)
    write_seconds = time.perf_counter() - started
    total = docx_seconds + pdf_seconds + zip_seconds + write_seconds
    figures = {
        "letters": args.letters, "docx_s": round(docx_seconds, 2), "pdf_s": round(pdf_seconds, 2),
        "zip_s": round(zip_seconds, 2), "write_s": round(write_seconds, 2), "total_s": round(total, 2),
        "merged_pdf_pages": len(PdfReader(io.BytesIO(rendered.merged)).pages),
        "merged_pdf_mb": round(len(rendered.merged) / 2**20, 1),
        "pdf_each_kb_mean": round(sum(map(len, rendered.each)) / len(rendered.each) / 1024, 1),
        "docx_each_kb_mean": round(sum(map(len, word.values())) / len(word) / 1024, 1),
        "zip_mb": round(len(archive) / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(f"确认通知 {args.letters} 份（.docx + .pdf + 合并 PDF + zip）：共 {total:.1f} s（目标 < 60 s）")
        print(f"  .docx {docx_seconds:.1f} s（平均 {figures['docx_each_kb_mean']} KB）；"
              f"PDF {pdf_seconds:.1f} s（合并 {figures['merged_pdf_pages']} 页 {figures['merged_pdf_mb']} MB，"
              f"单份平均 {figures['pdf_each_kb_mean']} KB）")
        print(f"  zip {zip_seconds:.1f} s（{figures['zip_mb']} MB）；写盘 {write_seconds:.1f} s；"
              f"峰值内存 {figures['peak_rss_mb']} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
