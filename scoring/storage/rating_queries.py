"""Every SQL statement of the experts' work figures and ratings, named; parameters are always bound."""

# Per expert in a round: assignments in force, sheets submitted, submitted late (after $deadline), recused,
# reopened by staff, and of the submitted criterion scores how many carry a comment. $submitted, $recused and
# $reopened are the sheet states and the revision event, bound from their enums.
EXPERT_WORK = """
    WITH assigned AS (
        SELECT expert_id, count(*) AS assigned FROM assignments
        WHERE round_id = $round_id AND removed_at IS NULL GROUP BY expert_id
    ),
    sheets AS (
        SELECT expert_id,
               count(*) FILTER (WHERE status = $submitted) AS submitted,
               count(*) FILTER (WHERE status = $submitted AND $deadline IS NOT NULL
                                AND submitted_at > $deadline) AS late,
               count(*) FILTER (WHERE status = $recused) AS recused
        FROM score_sheets WHERE round_id = $round_id GROUP BY expert_id
    ),
    reopened AS (
        SELECT expert_id, count(*) AS reopened FROM sheet_revisions
        WHERE round_id = $round_id AND event = $reopened GROUP BY expert_id
    ),
    comments AS (
        SELECT c.expert_id, count(*) AS scored, count(*) FILTER (WHERE trim(c.comment) <> '') AS commented
        FROM sheet_scores AS c JOIN score_sheets AS s USING (round_id, credit_code, expert_id)
        WHERE c.round_id = $round_id AND s.status = $submitted GROUP BY c.expert_id
    )
    SELECT a.expert_id, a.assigned, coalesce(s.submitted, 0), coalesce(s.late, 0), coalesce(s.recused, 0),
           coalesce(r.reopened, 0), coalesce(c.scored, 0), coalesce(c.commented, 0)
    FROM assigned AS a
    LEFT JOIN sheets AS s USING (expert_id)
    LEFT JOIN reopened AS r USING (expert_id)
    LEFT JOIN comments AS c USING (expert_id)
    ORDER BY a.expert_id
"""
SUPERSEDE_RATING = """
    UPDATE expert_ratings SET superseded_at = ? WHERE round_id = ? AND expert_id = ? AND superseded_at IS NULL
"""
INSERT_RATING = """
    INSERT INTO expert_ratings (round_id, expert_id, rating, note, figures, rated_by, rated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
SELECT_RATINGS = """
    SELECT round_id, expert_id, rating, note, figures, rated_by, rated_at FROM expert_ratings
    WHERE superseded_at IS NULL AND ($expert_id IS NULL OR expert_id = $expert_id)
      AND ($round_id IS NULL OR round_id = $round_id)
    ORDER BY rated_at DESC, round_id, expert_id
"""
