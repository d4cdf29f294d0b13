"""The aggregation of a round's submitted score sheets, in DuckDB: one pass over the criterion rows. Every
statement takes $round_id."""

# Each submitted sheet's total; the ranking reads only submitted sheets.
SHEET_TOTALS_CTE = """
    sheet_totals AS (
        SELECT s.credit_code, s.expert_id, sum(c.points) AS total
        FROM score_sheets AS s
        JOIN sheet_scores AS c USING (round_id, credit_code, expert_id)
        WHERE s.round_id = $round_id AND s.status = '已提交'
        GROUP BY s.credit_code, s.expert_id
    )
"""

# Per application: count, sum, lowest and highest total and whose they are (on a tie, the highest goes to the
# first expert id and the lowest to the last, so one sheet is never both), and the spread. Sums stay DECIMAL; the
# means are divided in Python with Decimal, so no float rounding enters a score.
APPLICATION_TOTALS = f"""
    WITH {SHEET_TOTALS_CTE},
    ordered AS (
        SELECT *,
               row_number() OVER (PARTITION BY credit_code ORDER BY total DESC, expert_id) AS from_top,
               row_number() OVER (PARTITION BY credit_code ORDER BY total, expert_id DESC) AS from_bottom
        FROM sheet_totals
    )
    SELECT credit_code,
           count(*) AS sheets,
           sum(total) AS total_sum,
           min(total) AS lowest,
           max(total) AS highest,
           any_value(expert_id) FILTER (WHERE from_bottom = 1) AS lowest_expert,
           any_value(expert_id) FILTER (WHERE from_top = 1) AS highest_expert,
           stddev_pop(total) AS spread
    FROM ordered
    GROUP BY credit_code
    ORDER BY credit_code
"""

SHEET_TOTALS = f"""
    WITH {SHEET_TOTALS_CTE}
    SELECT credit_code, expert_id, total FROM sheet_totals ORDER BY credit_code, expert_id
"""

CRITERION_SUMS = """
    SELECT s.credit_code, c.criterion_id, count(*) AS sheets, sum(c.points) AS points_sum
    FROM score_sheets AS s
    JOIN sheet_scores AS c USING (round_id, credit_code, expert_id)
    WHERE s.round_id = $round_id AND s.status = '已提交'
    GROUP BY s.credit_code, c.criterion_id
    ORDER BY s.credit_code, c.criterion_id
"""
