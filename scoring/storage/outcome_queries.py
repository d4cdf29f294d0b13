"""Every SQL statement of the acceptance and evaluation outcomes, named; parameters are always bound."""

UPSERT_FINDING = """
    INSERT INTO pilot_fund_findings (batch_id, credit_code, year, misused, reason, found_at, found_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, credit_code, year) DO UPDATE SET misused = excluded.misused, reason = excluded.reason,
        found_at = excluded.found_at, found_by = excluded.found_by
"""
SELECT_FINDINGS = """
    SELECT credit_code, year, misused, reason, found_at, found_by FROM pilot_fund_findings
    WHERE batch_id = $batch_id AND ($year IS NULL OR year = $year) AND ($credit_code IS NULL OR credit_code = $credit_code)
    ORDER BY year, credit_code
"""
INSERT_OUTCOME = """
    INSERT INTO pilot_outcomes (round_id, credit_code, outcome, proposed, reason, rectify, rectify_by, decided_at,
                                decided_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
# The decision in force per pilot: the newest of the round (or of every round when round_id is NULL).
SELECT_OUTCOMES = """
    SELECT round_id, credit_code, outcome, proposed, reason, rectify, rectify_by, decided_at, decided_by
    FROM pilot_outcomes
    WHERE ($round_id IS NULL OR round_id = $round_id) AND ($credit_code IS NULL OR credit_code = $credit_code)
    QUALIFY row_number() OVER (PARTITION BY round_id, credit_code ORDER BY decision_id DESC) = 1
    ORDER BY round_id, credit_code
"""
INSERT_PUBLICATION = """
    INSERT INTO pilot_outcome_publications (round_id, data, published_at, published_by) VALUES (?, ?, ?, ?)
"""
SELECT_PUBLICATION = "SELECT data, published_at, published_by FROM pilot_outcome_publications WHERE round_id = ?"
