"""Every SQL statement of the pilot registry, named; parameters are always bound, never formatted in."""

INSERT_PILOT = """
    INSERT INTO pilots (batch_id, credit_code, unit_name, unit_type, city, first_year, last_year, round_id,
                        confirmation_version, list_order, created_at, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
# The pilots with their newest status: of every batch, of one batch, of one city, or one pilot (NULL = any).
SELECT_PILOTS = """
    SELECT p.batch_id, p.credit_code, p.unit_name, p.unit_type, p.city, p.first_year, p.last_year, p.round_id,
           p.list_order, p.letter_number, p.funding_wan, p.created_at, s.status, s.year, s.reason, s.changed_at
    FROM pilots p
    LEFT JOIN (SELECT * FROM pilot_statuses
               QUALIFY row_number() OVER (PARTITION BY batch_id, credit_code ORDER BY change_id DESC) = 1) s
      ON s.batch_id = p.batch_id AND s.credit_code = p.credit_code
    WHERE ($batch_id IS NULL OR p.batch_id = $batch_id)
      AND ($city IS NULL OR p.city = $city)
      AND ($credit_code IS NULL OR p.credit_code = $credit_code)
    ORDER BY p.batch_id DESC, p.list_order
"""
INSERT_STATUS = """
    INSERT INTO pilot_statuses (batch_id, credit_code, year, status, reason, changed_at, changed_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
SELECT_STATUS_HISTORY = """
    SELECT year, status, reason, changed_at, changed_by FROM pilot_statuses
    WHERE batch_id = ? AND credit_code = ? ORDER BY change_id
"""
UPDATE_LETTER = "UPDATE pilots SET letter_number = ?, funding_wan = ? WHERE batch_id = ? AND credit_code = ?"
# Every status change of a batch's pilots (or of every batch), oldest first.
SELECT_BATCH_HISTORY = """
    SELECT credit_code, batch_id, year, status, reason, changed_at, changed_by FROM pilot_statuses
    WHERE ($batch_id IS NULL OR batch_id = $batch_id) ORDER BY change_id
"""
SELECT_GOALS = "SELECT data FROM pilot_goals WHERE batch_id = ? AND credit_code = ?"
UPSERT_GOALS = """
    INSERT INTO pilot_goals (batch_id, credit_code, data, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (batch_id, credit_code) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at,
                                                      saved_by = excluded.saved_by
"""
