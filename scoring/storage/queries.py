"""Every SQL statement the storage runs, named; parameters are always bound, never formatted in."""

INSERT_AUDIT_ROWS = """
    INSERT INTO audit_log (logged_at, actor, action, entity, reason, detail)
    SELECT logged_at, actor, action, entity, reason, detail FROM incoming_audit
"""
SELECT_AUDIT = """
    SELECT seq, logged_at, actor, action, entity, reason, detail FROM audit_log
    WHERE ($entity IS NULL OR entity = $entity OR entity LIKE $entity || '/%')
    ORDER BY seq DESC LIMIT $limit
"""

SELECT_DATA_VERSION = "SELECT coalesce(max(seq), 0) FROM audit_log"
SELECT_SCHEMA_VERSION = "SELECT coalesce(max(version), 0) FROM schema_version"
INSERT_SCHEMA_VERSION = "INSERT INTO schema_version VALUES (?, ?)"
TABLE_EXISTS = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"

INSERT_BATCH = "INSERT INTO batches VALUES (?, ?, ?, ?)"
UPDATE_BATCH = "UPDATE batches SET year = ?, data = ? WHERE batch_id = ?"
SELECT_BATCH = "SELECT data FROM batches WHERE batch_id = ?"
SELECT_BATCHES = "SELECT data FROM batches ORDER BY year DESC, batch_id DESC"

SELECT_APPLICATION = "SELECT data FROM applications WHERE batch_id = ? AND credit_code = ?"
SELECT_APPLICATIONS = "SELECT data FROM applications WHERE batch_id = ? ORDER BY credit_code"
SELECT_APPLICATION_META = """
    SELECT credit_code, version, data FROM applications WHERE batch_id = ?
"""
SELECT_APPLICATION_VERSIONS = """
    SELECT version, source, saved_at, saved_by, superseded_at FROM application_versions
    WHERE batch_id = ? AND credit_code = ? ORDER BY version DESC
"""
SELECT_OLD_APPLICATION = """
    SELECT data FROM application_versions WHERE batch_id = ? AND credit_code = ? AND version = ?
"""
ARCHIVE_APPLICATIONS = """
    INSERT INTO application_versions
    SELECT a.batch_id, a.credit_code, a.version, a.data, a.source, a.saved_at, a.saved_by, $now
    FROM applications a JOIN incoming i ON a.batch_id = i.batch_id AND a.credit_code = i.credit_code
"""
DELETE_REPLACED_APPLICATIONS = """
    DELETE FROM applications WHERE (batch_id, credit_code) IN (SELECT batch_id, credit_code FROM incoming)
"""
INSERT_APPLICATIONS = """
    INSERT INTO applications
    SELECT batch_id, credit_code, version, unit_name, unit_type, city, data, source, saved_at, saved_by
    FROM incoming
"""
COUNT_APPLICATIONS = "SELECT count(*) FROM applications WHERE batch_id = ?"

ATTACHMENT_EXISTS = "SELECT count(*) FROM attachment_files WHERE sha256 = ?"
INSERT_ATTACHMENT = "INSERT INTO attachment_files VALUES (?, ?, ?)"
SELECT_ATTACHMENT = "SELECT content FROM attachment_files WHERE sha256 = ?"

DELETE_CHECK_RESULTS = """
    DELETE FROM check_results WHERE batch_id = ? AND credit_code IN (SELECT credit_code FROM incoming_checks)
"""
INSERT_CHECK_RESULTS = "INSERT INTO check_results SELECT * FROM incoming_checks"
SELECT_CHECK_RESULTS = """
    SELECT credit_code, check_id, outcome, reasons FROM check_results
    WHERE batch_id = $batch AND ($code IS NULL OR credit_code = $code)
"""
SELECT_ACTIVE_OVERRIDES = """
    SELECT credit_code, check_id, outcome, reason, decided_by, decided_at FROM check_overrides
    WHERE batch_id = $batch AND ($code IS NULL OR credit_code = $code) AND cleared_at IS NULL
"""
SELECT_OVERRIDE_HISTORY = """
    SELECT check_id, outcome, reason, decided_by, decided_at, app_version, cleared_at, cleared_by,
           cleared_reason
    FROM check_overrides WHERE batch_id = ? AND credit_code = ? ORDER BY override_id DESC
"""
CLEAR_OVERRIDE = """
    UPDATE check_overrides SET cleared_at = ?, cleared_by = ?, cleared_reason = ?
    WHERE batch_id = ? AND credit_code = ? AND check_id = ? AND cleared_at IS NULL
"""
INSERT_OVERRIDE = """
    INSERT INTO check_overrides (batch_id, credit_code, check_id, outcome, reason, decided_by,
                                 decided_at, app_version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_APP_VERSION = "SELECT version FROM applications WHERE batch_id = ? AND credit_code = ?"
SELECT_APPLICATION_VERSIONS_OF_BATCH = "SELECT credit_code, version FROM applications WHERE batch_id = ?"
