"""备份与恢复 in a real browser: an administrator backs up while the app runs and sees the generation listed with
its SHA-256."""
from __future__ import annotations

import pytest

from tests.browser.conftest import cli, go_to, running_app, shot, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "Provincial2023x"


def test_an_administrator_backs_up_while_the_app_runs(tmp_path, page):
    db, backups = tmp_path / "review.duckdb", tmp_path / "backups"
    cli(db, "user", "create-admin", "chief", "--display-name", "处长", "--password-stdin", stdin=f"{PASSWORD}\n")
    with running_app(db, exports=tmp_path / "exports", env={"SCORING_BACKUPS": str(backups)}) as url:
        sign_in(page, url, "chief", PASSWORD)
        go_to(page, "备份与恢复")
        page.get_by_label("备份理由（记入审计日志）").fill("上线前备份")
        page.get_by_role("button", name="立即备份").click()
        page.get_by_text("已备份：").wait_for()
        page.get_by_test_id("stDataFrame").first.wait_for()
        page.wait_for_timeout(500)
        shot(page, "61-backups")

    [archive] = backups.glob("review-backup-*.zip")
    assert (backups / f"{archive.name}.sha256").is_file()
