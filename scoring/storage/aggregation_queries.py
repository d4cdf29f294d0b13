"""The aggregation of a round's submitted score sheets, in DuckDB: one pass over the criterion rows. Every
statement takes $round_id, and the sheet states or revision events it selects by as parameters ($submitted …),
which aggregation_store binds from SheetStatus and RevisionEvent."""

# Each submitted sheet's total; the ranking reads only submitted sheets.
SHEET_TOTALS_CTE = """
    sheet_totals AS (
        SELECT s.credit_code, s.expert_id, sum(c.points) AS total
        FROM score_sheets AS s
        JOIN sheet_scores AS c USING (round_id, credit_code, expert_id)
        WHERE s.round_id = $round_id AND s.status = $submitted
        GROUP BY s.credit_code, s.expert_id
    )
"""

# Per application: count, sum, lowest and highest total and whose they are (on a tie, the lowest goes to the
# smallest expert id and the highest to the largest, so one sheet is never both), and the spread. Sums stay
# DECIMAL; the means are divided in Python with Decimal, so no float rounding enters a score.
APPLICATION_TOTALS = f"""
    WITH {SHEET_TOTALS_CTE}
    SELECT credit_code,
           count(*) AS sheets,
           sum(total) AS total_sum,
           min(total) AS lowest,
           max(total) AS highest,
           arg_min(expert_id, (total, expert_id)) AS lowest_expert,
           arg_max(expert_id, (total, expert_id)) AS highest_expert,
           stddev_pop(total) AS spread
    FROM sheet_totals
    GROUP BY credit_code
    ORDER BY credit_code
"""

SHEET_TOTALS = f"""
    WITH {SHEET_TOTALS_CTE}
    SELECT credit_code, expert_id, total FROM sheet_totals ORDER BY credit_code, expert_id
"""

# Criterion means in whole cents, rounded half up ((2·sum + n) div 2n), so the division stays exact integers.
CRITERION_MEAN_CENTS = """
    SELECT s.credit_code, c.criterion_id,
           (2 * CAST(sum(c.points) * 100 AS BIGINT) + count(*)) // (2 * count(*)) AS mean_cents
    FROM score_sheets AS s
    JOIN sheet_scores AS c USING (round_id, credit_code, expert_id)
    WHERE s.round_id = $round_id AND s.status = $submitted
    GROUP BY s.credit_code, c.criterion_id
"""

# Each expert's submitted sheets: how far above (lenient) or below (severe) the applications' means the expert
# scores on average (over applications with two or more sheets), and the range of the expert's own totals.
EXPERT_TENDENCIES = f"""
    WITH {SHEET_TOTALS_CTE},
    application_means AS (
        SELECT credit_code, avg(total) AS mean FROM sheet_totals GROUP BY credit_code HAVING count(*) >= 2
    )
    SELECT t.expert_id,
           count(*) AS sheets,
           count(m.mean) AS compared,
           avg(t.total - m.mean) AS deviation,
           min(t.total) AS lowest,
           max(t.total) AS highest
    FROM sheet_totals AS t LEFT JOIN application_means AS m USING (credit_code)
    GROUP BY t.expert_id
    ORDER BY t.expert_id
"""

# Submitted criterion scores at 0 or at the maximum with no comment; criterion_maxima is registered by the caller.
EXTREMES_WITHOUT_COMMENT = """
    SELECT s.credit_code, s.expert_id, c.criterion_id, c.points
    FROM score_sheets AS s
    JOIN sheet_scores AS c USING (round_id, credit_code, expert_id)
    JOIN criterion_maxima AS m ON m.criterion_id = c.criterion_id
    WHERE s.round_id = $round_id AND s.status = $submitted AND trim(c.comment) = ''
      AND (c.points = 0 OR c.points = m.max_points)
    ORDER BY s.credit_code, s.expert_id, c.criterion_id
"""

# Assignments in force whose sheet is neither submitted nor recused, with the sheet's state ($not_started when none).
UNFINISHED_PAIRS = """
    SELECT a.credit_code, a.expert_id, coalesce(s.status, $not_started) AS status
    FROM assignments AS a
    LEFT JOIN score_sheets AS s USING (round_id, credit_code, expert_id)
    WHERE a.round_id = $round_id AND a.removed_at IS NULL
      AND coalesce(s.status, $not_started) IN ($not_started, $draft)
    ORDER BY a.credit_code, a.expert_id
"""

# Submissions after the round was closed (sheets staff reopened and the expert submitted again), with the total
# the sheet had at its last submission before the close.
SUBMISSIONS_AFTER = """
    SELECT credit_code, expert_id, revision, data, recorded_at, recorded_by
    FROM sheet_revisions
    WHERE round_id = $round_id AND event IN ($submission, $reopening)
    ORDER BY credit_code, expert_id, revision
"""
