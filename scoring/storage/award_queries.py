"""Every SQL statement of the extra awards (追加奖励), named; parameters are always bound, never formatted in."""

SELECT_STANDARD = "SELECT data, saved_at, saved_by FROM award_standards WHERE year = ?"
UPSERT_STANDARD = """
    INSERT INTO award_standards (year, data, saved_at, saved_by) VALUES (?, ?, ?, ?)
    ON CONFLICT (year) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at, saved_by = excluded.saved_by
"""
# The confirmed awards of one batch's year: every pilot, or one (NULL = any).
SELECT_AWARDS = """
    SELECT batch_id, credit_code, year, data, amount, confirmed_at, confirmed_by FROM pilot_awards
    WHERE batch_id = $batch_id AND year = $year AND ($credit_code IS NULL OR credit_code = $credit_code)
    ORDER BY credit_code
"""
UPSERT_AWARD = """
    INSERT INTO pilot_awards (batch_id, credit_code, year, data, amount, confirmed_at, confirmed_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, credit_code, year) DO UPDATE SET data = excluded.data, amount = excluded.amount,
        confirmed_at = excluded.confirmed_at, confirmed_by = excluded.confirmed_by
"""
