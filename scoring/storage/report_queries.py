"""Every SQL statement of the pilots' yearly reports, the city bureaus' opinions and the rectifications, named;
parameters are always bound, never formatted in."""

# --- the year's report call ----------------------------------------------------------------------------------------

SELECT_CALL = "SELECT data FROM pilot_report_calls WHERE batch_id = ? AND year = ?"
UPSERT_CALL = """
    INSERT INTO pilot_report_calls (batch_id, year, data, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, year) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at,
                                               saved_by = excluded.saved_by
"""

# --- reports: version 0 is the draft, 1, 2 … the submissions -------------------------------------------------------

UPSERT_DRAFT = """
    INSERT INTO pilot_reports (batch_id, credit_code, year, version, data, status, late, saved_at, saved_by)
    VALUES (?, ?, ?, 0, ?, ?, false, ?, ?)
    ON CONFLICT (batch_id, credit_code, year, version) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at,
                                                                     saved_by = excluded.saved_by
"""
SELECT_LAST_VERSION = """
    SELECT coalesce(max(version), 0) FROM pilot_reports WHERE batch_id = ? AND credit_code = ? AND year = ?
"""
INSERT_VERSION = """
    INSERT INTO pilot_reports (batch_id, credit_code, year, version, data, status, late, saved_at, saved_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
UPDATE_STATUS = """
    UPDATE pilot_reports SET status = ? WHERE batch_id = ? AND credit_code = ? AND year = ? AND version = ?
"""
INSERT_OPINION = """
    INSERT INTO pilot_report_opinions (batch_id, credit_code, year, version, agrees, opinion, saved_at, saved_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
_REPORT_COLUMNS = """
    SELECT r.credit_code, r.year, r.version, r.data, r.status, r.late, r.saved_at, r.saved_by, o.agrees, o.opinion,
           o.saved_at, o.saved_by
    FROM pilot_reports r
    LEFT JOIN pilot_report_opinions o
      ON o.batch_id = r.batch_id AND o.credit_code = r.credit_code AND o.year = r.year AND o.version = r.version
"""
# Every version of one pilot's reports (NULL year: every year), oldest first.
SELECT_VERSIONS = _REPORT_COLUMNS + """
    WHERE r.batch_id = $batch_id AND r.credit_code = $credit_code AND ($year IS NULL OR r.year = $year)
    ORDER BY r.year, r.version
"""
# The report in force of every pilot of a batch in one year: its latest submitted version (version ≥ 1).
SELECT_IN_FORCE_OF_YEAR = _REPORT_COLUMNS + """
    WHERE r.batch_id = $batch_id AND r.year = $year AND r.version >= 1
      AND ($credit_code IS NULL OR r.credit_code = $credit_code)
    QUALIFY row_number() OVER (PARTITION BY r.credit_code ORDER BY r.version DESC) = 1
"""
# Per pilot of a batch in one year: whether a draft exists, and the latest submission's version, status and lateness.
SELECT_PROGRESS_OF_YEAR = """
    SELECT credit_code, bool_or(version = 0) AS has_draft, max(version) AS last_version,
           arg_max(status, version) FILTER (WHERE version >= 1) AS last_status,
           arg_max(late, version) FILTER (WHERE version >= 1) AS last_late,
           max(saved_at) FILTER (WHERE version >= 1) AS submitted_at
    FROM pilot_reports WHERE batch_id = ? AND year = ?
    GROUP BY credit_code
"""

# --- rectification reports (整改报告) and staff's re-check --------------------------------------------------------

SELECT_LAST_RECTIFICATION = """
    SELECT coalesce(max(version), 0) FROM pilot_rectifications WHERE batch_id = ? AND credit_code = ? AND year = ?
"""
INSERT_RECTIFICATION = """
    INSERT INTO pilot_rectifications (batch_id, credit_code, year, version, data, submitted_at, submitted_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
SELECT_RECTIFICATIONS = """
    SELECT year, version, data, submitted_at, submitted_by, recheck, recheck_reason, rechecked_at, rechecked_by
    FROM pilot_rectifications WHERE batch_id = $batch_id AND credit_code = $credit_code
      AND ($year IS NULL OR year = $year)
    ORDER BY year, version
"""
UPDATE_RECHECK = """
    UPDATE pilot_rectifications SET recheck = ?, recheck_reason = ?, rechecked_at = ?, rechecked_by = ?
    WHERE batch_id = ? AND credit_code = ? AND year = ? AND version = ?
"""
