"""Every SQL statement of frozen rubrics and score sheets, named; parameters are always bound."""

SELECT_RUBRIC_TEXT = "SELECT text FROM rubric_versions WHERE sha256 = ?"
INSERT_RUBRIC = """
    INSERT INTO rubric_versions (sha256, rubric_id, version, source, text, stored_at, stored_by)
    SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM rubric_versions WHERE sha256 = ?)
"""

SHEET_COLUMNS = ("round_id, credit_code, expert_id, status, opinion, opinion_text, dissent, revision, rubric_sha256, "
                 "started_at, saved_at, saved_by, submitted_at, reopened_reason")
SELECT_SHEET = f"""
    SELECT {SHEET_COLUMNS} FROM score_sheets WHERE round_id = ? AND credit_code = ? AND expert_id = ?
"""
SELECT_SHEETS = f"""
    SELECT {SHEET_COLUMNS} FROM score_sheets
    WHERE round_id = $round_id AND ($expert_id IS NULL OR expert_id = $expert_id)
      AND ($credit_code IS NULL OR credit_code = $credit_code)
    ORDER BY expert_id, credit_code
"""
SELECT_SCORES = """
    SELECT credit_code, expert_id, criterion_id, points, comment FROM sheet_scores
    WHERE round_id = $round_id AND ($expert_id IS NULL OR expert_id = $expert_id)
      AND ($credit_code IS NULL OR credit_code = $credit_code)
"""
INSERT_SHEET = f"""
    INSERT INTO score_sheets ({SHEET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
UPDATE_SHEET = """
    UPDATE score_sheets SET status = ?, opinion = ?, opinion_text = ?, dissent = ?, revision = ?, saved_at = ?,
        saved_by = ?, submitted_at = ?, reopened_reason = ?
    WHERE round_id = ? AND credit_code = ? AND expert_id = ?
"""
DELETE_SCORES = "DELETE FROM sheet_scores WHERE round_id = ? AND credit_code = ? AND expert_id = ?"
INSERT_SCORES = """
    INSERT INTO sheet_scores (round_id, credit_code, expert_id, criterion_id, points, comment)
    SELECT round_id, credit_code, expert_id, criterion_id, points, comment FROM incoming_scores
"""
INSERT_REVISION = """
    INSERT INTO sheet_revisions (round_id, credit_code, expert_id, revision, event, data, recorded_at, recorded_by,
                                 reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_REVISIONS = """
    SELECT revision, event, data, recorded_at, recorded_by, reason FROM sheet_revisions
    WHERE round_id = ? AND credit_code = ? AND expert_id = ?
    ORDER BY revision, recorded_at
"""
SELECT_SHEET_STATES = """
    SELECT expert_id, credit_code, status, saved_at FROM score_sheets WHERE round_id = ?
"""
