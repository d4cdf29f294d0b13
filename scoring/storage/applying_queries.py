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

SELECT_UNIT_OF_LOGIN = "SELECT unit_name, credit_code, city FROM applicant_units WHERE login = ?"
SELECT_LOGIN_OF_UNIT = "SELECT login FROM applicant_units WHERE credit_code = ?"
INSERT_UNIT = """
    INSERT INTO applicant_units (login, credit_code, unit_name, city, bound_at, bound_by) VALUES (?, ?, ?, ?, ?, ?)
"""
SELECT_INVITATION = "SELECT 1 FROM application_invitations WHERE batch_id = ? AND credit_code = ?"
UPSERT_INVITATION = """
    INSERT INTO application_invitations (batch_id, credit_code, login, email, invited_at, invited_by)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, credit_code) DO UPDATE SET email = excluded.email, invited_at = excluded.invited_at,
                                                      invited_by = excluded.invited_by
"""
SELECT_INVITATIONS = """
    SELECT i.credit_code, u.unit_name, u.city, i.login, i.email, i.invited_at, i.invited_by
    FROM application_invitations i JOIN applicant_units u ON u.credit_code = i.credit_code
    WHERE i.batch_id = ? ORDER BY u.city, u.unit_name
"""
SELECT_DRAFT_CODES = "SELECT credit_code FROM application_drafts WHERE batch_id = ? ORDER BY credit_code"
SELECT_ATTACHMENTS = """
    SELECT kind, filename, sha256, size, uploaded_at, uploaded_by FROM application_attachments
    WHERE batch_id = ? AND credit_code = ? ORDER BY kind
"""
UPSERT_ATTACHMENT = """
    INSERT INTO application_attachments (batch_id, credit_code, kind, filename, sha256, size, uploaded_at, uploaded_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, credit_code, kind) DO UPDATE SET filename = excluded.filename, sha256 = excluded.sha256,
        size = excluded.size, uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by
"""
SELECT_UNIT_BY_CODE = "SELECT unit_name, credit_code, city FROM applicant_units WHERE credit_code = ?"
SELECT_CALLS = "SELECT batch_id, data FROM application_calls ORDER BY batch_id"

UPDATE_SUBMISSION_STATUS = """
    UPDATE application_submissions SET status = ? WHERE batch_id = ? AND credit_code = ? AND version = ?
"""
SELECT_CITY_REVIEW = """
    SELECT checked, opinion, rank, return_reason, saved_at, saved_by FROM application_city_reviews
    WHERE batch_id = ? AND credit_code = ? AND version = ?
"""
UPSERT_CITY_REVIEW = """
    INSERT INTO application_city_reviews (batch_id, credit_code, version, checked, opinion, rank, return_reason,
                                          saved_at, saved_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, credit_code, version) DO UPDATE SET checked = excluded.checked, opinion = excluded.opinion,
        rank = excluded.rank, return_reason = excluded.return_reason, saved_at = excluded.saved_at,
        saved_by = excluded.saved_by
"""
# Each unit bound to an account, with the latest version of its form in the batch (if any) and that version's 初审.
SELECT_FORMS_OF_BATCH = """
    WITH latest AS (
        SELECT credit_code, max(version) AS version FROM application_submissions WHERE batch_id = $batch
        GROUP BY credit_code
    )
    SELECT u.credit_code, u.unit_name, u.city, s.version, s.status, s.submitted_at, d.saved_at,
           r.checked, r.opinion, r.rank, r.return_reason, r.saved_at, r.saved_by,
           (SELECT min(f.submitted_at) FROM application_submissions f
            WHERE f.batch_id = $batch AND f.credit_code = u.credit_code) AS first_submitted_at
    FROM applicant_units u
    LEFT JOIN application_drafts d ON d.batch_id = $batch AND d.credit_code = u.credit_code
    LEFT JOIN latest l ON l.credit_code = u.credit_code
    LEFT JOIN application_submissions s
        ON s.batch_id = $batch AND s.credit_code = u.credit_code AND s.version = l.version
    LEFT JOIN application_city_reviews r
        ON r.batch_id = $batch AND r.credit_code = u.credit_code AND r.version = l.version
    WHERE (d.credit_code IS NOT NULL OR s.credit_code IS NOT NULL) AND ($city IS NULL OR u.city = $city)
    ORDER BY u.city, r.rank NULLS LAST, u.unit_name
"""
SELECT_CITY_LETTER = """
    SELECT filename, sha256, size, uploaded_at, uploaded_by FROM application_city_letters WHERE batch_id = ? AND city = ?
"""
UPSERT_CITY_LETTER = """
    INSERT INTO application_city_letters (batch_id, city, filename, sha256, size, uploaded_at, uploaded_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, city) DO UPDATE SET filename = excluded.filename, sha256 = excluded.sha256,
        size = excluded.size, uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by
"""
INSERT_CITY_SEND = """
    INSERT INTO application_city_sends (batch_id, city, sent_at, sent_by, letter_sha256, codes) VALUES (?, ?, ?, ?, ?, ?)
"""
SELECT_CITY_SENDS = """
    SELECT city, sent_at, sent_by, letter_sha256, codes FROM application_city_sends
    WHERE batch_id = ? ORDER BY sent_at, city
"""
