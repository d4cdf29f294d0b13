"""Every SQL statement of the publicity stage, named; parameters are always bound."""

SELECT_HOLIDAY_YEARS = "SELECT year, data FROM holiday_years WHERE superseded_at IS NULL ORDER BY year"
SUPERSEDE_HOLIDAY_YEAR = "UPDATE holiday_years SET superseded_at = ? WHERE year = ? AND superseded_at IS NULL"
INSERT_HOLIDAY_YEAR = "INSERT INTO holiday_years (year, data, entered_by, entered_at) VALUES (?, ?, ?, ?)"

SELECT_SETTINGS = """
    SELECT data FROM publicity_settings WHERE round_id = ? AND kind = ? AND superseded_at IS NULL
"""
SUPERSEDE_SETTINGS = """
    UPDATE publicity_settings SET superseded_at = ? WHERE round_id = ? AND kind = ? AND superseded_at IS NULL
"""
INSERT_SETTINGS = "INSERT INTO publicity_settings (round_id, kind, data, saved_by, saved_at) VALUES (?, ?, ?, ?, ?)"

NOTICE_COLUMNS = """version, shortlist_version, shortlist_sha256, settings, document, start_date, end_date, sha256,
    reason, published_by, published_at, withdrawn_at, withdrawn_by, withdraw_reason"""
SELECT_NOTICES = f"SELECT round_id, {NOTICE_COLUMNS} FROM publicity_notices WHERE round_id = ? ORDER BY version"
LAST_NOTICE_VERSION = "SELECT coalesce(max(version), 0) FROM publicity_notices WHERE round_id = ?"
INSERT_NOTICE = f"""
    INSERT INTO publicity_notices (round_id, {NOTICE_COLUMNS.replace(', withdrawn_at, withdrawn_by, withdraw_reason', '')})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
WITHDRAW_NOTICE = """
    UPDATE publicity_notices SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ?
    WHERE round_id = ? AND version = ? AND withdrawn_at IS NULL
"""

OBJECTION_COLUMNS = """objection_id, notice_version, data, credit_code, accepted, not_accepted_reason, registered_by,
    registered_at"""
SELECT_OBJECTIONS = f"SELECT round_id, {OBJECTION_COLUMNS} FROM objections WHERE round_id = ? ORDER BY objection_id"
SELECT_OBJECTION = f"SELECT round_id, {OBJECTION_COLUMNS} FROM objections WHERE objection_id = ?"
INSERT_OBJECTION = """
    INSERT INTO objections (round_id, notice_version, data, credit_code, accepted, not_accepted_reason, registered_by,
                            registered_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING objection_id
"""
SELECT_OBJECTION_EVENTS = """
    SELECT e.objection_id, e.kind, e.decision, e.text, e.actor, e.acted_at FROM objection_events e
    JOIN objections o USING (objection_id) WHERE o.round_id = ? ORDER BY e.acted_at, e.objection_id
"""
INSERT_OBJECTION_EVENT = """
    INSERT INTO objection_events (objection_id, kind, decision, text, actor, acted_at) VALUES (?, ?, ?, ?, ?, ?)
"""

SELECT_CONFIRMATIONS = """
    SELECT round_id, version, notice_version, data, sha256, reason, confirmed_by, confirmed_at FROM confirmations
    WHERE round_id = ? ORDER BY version
"""
LAST_CONFIRMATION_VERSION = "SELECT coalesce(max(version), 0) FROM confirmations WHERE round_id = ?"
NOTICE_CONFIRMED = "SELECT count(*) > 0 FROM confirmations WHERE round_id = ? AND notice_version = ?"
INSERT_CONFIRMATION = """
    INSERT INTO confirmations (round_id, version, notice_version, data, sha256, reason, confirmed_by, confirmed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""

SELECT_ROUND_NUMBERS = """
    SELECT credit_code, prefix, year, sequence FROM document_numbers WHERE round_id = ? ORDER BY sequence
"""
SELECT_LAST_SEQUENCE = "SELECT coalesce(max(sequence), 0) FROM document_numbers WHERE prefix = ? AND year = ?"
INSERT_NUMBER = """
    INSERT INTO document_numbers (prefix, year, sequence, round_id, credit_code, assigned_by, assigned_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
