"""Every SQL statement of the bonus checks, named; parameters are always bound."""

SELECT_BONUS_CHECKS = """
    SELECT credit_code, bonus_id, verified, note, checked_by, checked_at FROM bonus_checks
    WHERE round_id = $round_id AND superseded_at IS NULL AND ($credit_code IS NULL OR credit_code = $credit_code)
"""
SUPERSEDE_BONUS_CHECK = """
    UPDATE bonus_checks SET superseded_at = ?
    WHERE round_id = ? AND credit_code = ? AND bonus_id = ? AND superseded_at IS NULL
"""
INSERT_BONUS_CHECK = """
    INSERT INTO bonus_checks (round_id, credit_code, bonus_id, verified, note, checked_by, checked_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
