"""Every SQL statement of the applying stage, named; parameters are always bound, never formatted in."""

SELECT_CALL = "SELECT data, opened_at, opened_by FROM application_calls WHERE batch_id = ?"
UPSERT_CALL = """
    INSERT INTO application_calls (batch_id, data, opened_at, opened_by) VALUES (?, ?, ?, ?)
    ON CONFLICT (batch_id) DO UPDATE SET data = excluded.data
"""
SELECT_DRAFT = "SELECT data, saved_at, saved_by FROM application_drafts WHERE batch_id = ? AND credit_code = ?"
UPSERT_DRAFT = """
    INSERT INTO application_drafts (batch_id, credit_code, data, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, credit_code) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at,
                                                      saved_by = excluded.saved_by
"""
SELECT_SUBMISSIONS = """
    SELECT version, data, status, submitted_at, submitted_by FROM application_submissions
    WHERE batch_id = ? AND credit_code = ? ORDER BY version
"""
INSERT_SUBMISSION = """
    INSERT INTO application_submissions (batch_id, credit_code, version, data, status, submitted_at, submitted_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
