"""Every SQL statement of review rounds and assignments, named; parameters are always bound, never formatted in."""

SELECT_ROUNDS = """
    SELECT data FROM review_rounds
    WHERE $batch_id IS NULL OR batch_id = $batch_id
    ORDER BY batch_id DESC, created_at, round_id
"""
SELECT_ROUND = "SELECT data FROM review_rounds WHERE round_id = ?"
SELECT_ROUND_IDS = "SELECT round_id FROM review_rounds WHERE batch_id = ?"
INSERT_ROUND = """
    INSERT INTO review_rounds (round_id, batch_id, data, version, created_at, created_by, saved_at, saved_by)
    VALUES (?, ?, ?, 1, ?, ?, ?, ?)
"""
UPDATE_ROUND = """
    UPDATE review_rounds SET data = ?, version = version + 1, saved_at = ?, saved_by = ?
    WHERE round_id = ?
"""

ASSIGNMENT_COLUMNS = "assignment_id, round_id, credit_code, expert_id, panel, source, assigned_at, assigned_by"
SELECT_CURRENT_ASSIGNMENTS = f"""
    SELECT {ASSIGNMENT_COLUMNS} FROM assignments
    WHERE round_id = ? AND removed_at IS NULL
    ORDER BY credit_code, expert_id
"""
SELECT_EXPERT_ASSIGNMENTS = f"""
    SELECT {ASSIGNMENT_COLUMNS} FROM assignments
    WHERE expert_id = $expert_id AND removed_at IS NULL AND ($round_id IS NULL OR round_id = $round_id)
    ORDER BY round_id, credit_code
"""
INSERT_ASSIGNMENTS = """
    INSERT INTO assignments (round_id, credit_code, expert_id, panel, source, assigned_at, assigned_by,
                             assigned_reason)
    SELECT round_id, credit_code, expert_id, panel, source, assigned_at, assigned_by, assigned_reason
    FROM incoming_assignments
"""
REMOVE_ASSIGNMENTS = """
    UPDATE assignments SET removed_at = $now, removed_by = $actor, removed_reason = $reason
    WHERE removed_at IS NULL AND round_id = $round_id
      AND EXISTS (SELECT 1 FROM outgoing_assignments AS o
                  WHERE o.credit_code = assignments.credit_code AND o.expert_id = assignments.expert_id)
"""
