"""The file uploader speaks Chinese: Streamlit 1.67 has no parameter for its texts, so a style sheet draws them
(app_pages/widgets/uploader.py); what a person sees is the computed ::after content, read here in a real browser."""
from __future__ import annotations

import pytest

from app_pages.widgets.uploader import BUTTON_TEXT, LIMIT_TEXT
from tests.browser.conftest import click_tab, go_to, shot, sign_in

pytestmark = pytest.mark.browser

DRAWN = """element => ({shown: getComputedStyle(element, "::after").content,
                        english: getComputedStyle(element).fontSize})"""


def test_the_uploader_shows_its_button_and_limit_in_chinese_with_the_accepted_types(app_url, people, page):
    sign_in(page, app_url, "tester", people["tester"])
    go_to(page, "专家库")
    click_tab(page, "导入专家")
    zone = page.get_by_test_id("stFileUploaderDropzone").first
    zone.wait_for()

    button = zone.locator("button p").evaluate(DRAWN)
    limit = zone.get_by_test_id("stFileUploaderDropzoneInstructions").locator("span").evaluate(DRAWN)
    zone.scroll_into_view_if_needed()
    shot(page, "70-uploader-texts")

    assert button == {"shown": f'"{BUTTON_TEXT}"', "english": "0px"}
    assert limit == {"shown": f'"{LIMIT_TEXT} · XLSX、XLS、CSV"', "english": "0px"}
