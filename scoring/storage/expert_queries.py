"""Every SQL statement of the expert pool and its conflicts, named; parameters are always bound, never formatted in."""

SELECT_EXPERTS = "SELECT data FROM experts WHERE active OR $include_inactive ORDER BY expert_id"
SELECT_EXPERT = "SELECT data FROM experts WHERE expert_id = ?"
SELECT_EXPERT_VERSIONS = "SELECT expert_id, version, data FROM experts"
DELETE_REPLACED_EXPERTS = "DELETE FROM experts WHERE expert_id IN (SELECT expert_id FROM incoming_experts)"
INSERT_EXPERTS = """
    INSERT INTO experts
    SELECT expert_id, name, unit, city, active, available, data, version, saved_at, saved_by FROM incoming_experts
"""
UPDATE_EXPERT = """
    UPDATE experts SET name = ?, unit = ?, city = ?, active = ?, available = ?, data = ?, version = version + 1,
                       saved_at = ?, saved_by = ?
    WHERE expert_id = ?
"""

DECLARED_COLUMNS = "expert_id, credit_code, reason, source, declared_by, declared_at"
SELECT_DECLARED = f"""
    SELECT {DECLARED_COLUMNS} FROM declared_conflicts
    WHERE withdrawn_at IS NULL AND ($expert_id IS NULL OR expert_id = $expert_id)
    ORDER BY expert_id, credit_code
"""
SELECT_DECLARED_PAIR = f"""
    SELECT {DECLARED_COLUMNS} FROM declared_conflicts
    WHERE withdrawn_at IS NULL AND expert_id = ? AND credit_code = ?
"""
INSERT_DECLARED = f"INSERT INTO declared_conflicts ({DECLARED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
WITHDRAW_DECLARED = """
    UPDATE declared_conflicts SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_reason = ?
    WHERE withdrawn_at IS NULL AND expert_id = ? AND credit_code = ?
"""

RECUSAL_COLUMNS = "batch_id, expert_id, credit_code, reason, recorded_by, recorded_at"
SELECT_RECUSALS = f"SELECT {RECUSAL_COLUMNS} FROM recusals WHERE batch_id = ? ORDER BY expert_id, credit_code"
SELECT_RECUSAL = f"SELECT {RECUSAL_COLUMNS} FROM recusals WHERE batch_id = ? AND expert_id = ? AND credit_code = ?"
INSERT_RECUSAL = f"INSERT INTO recusals ({RECUSAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"
