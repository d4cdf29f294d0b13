"""Every SQL statement of the meeting's decisions and the frozen shortlists, named; parameters are always bound."""

SELECT_DECISIONS = """
    SELECT credit_code, decision, reason, against_ranking, rank_then, decided_by, decided_at FROM meeting_decisions
    WHERE round_id = ? AND superseded_at IS NULL
    ORDER BY credit_code
"""
SUPERSEDE_DECISIONS = """
    UPDATE meeting_decisions SET superseded_at = $now
    WHERE round_id = $round_id AND superseded_at IS NULL
      AND credit_code IN (SELECT credit_code FROM incoming_decisions)
"""
INSERT_DECISIONS = """
    INSERT INTO meeting_decisions (round_id, credit_code, decision, reason, against_ranking, rank_then, decided_by,
                                   decided_at)
    SELECT round_id, credit_code, decision, reason, against_ranking, rank_then, decided_by, decided_at
    FROM incoming_decisions
"""
SELECT_SHORTLISTS = """
    SELECT round_id, version, data, sha256, reason, created_by, created_at FROM shortlist_versions
    WHERE round_id = ? ORDER BY version
"""
LAST_SHORTLIST_VERSION = "SELECT coalesce(max(version), 0) FROM shortlist_versions WHERE round_id = ?"
INSERT_SHORTLIST = """
    INSERT INTO shortlist_versions (round_id, version, data, sha256, reason, created_by, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
