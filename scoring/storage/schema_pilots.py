"""Tables of the pilots' three years (建设实施): the registry, the yearly reports, the acceptance and final outcomes,
the extra awards and the rectifications. Data that is a document (a report, a goal list, a computed award) is JSON of
its pydantic model; what is looked up or joined on has a column of its own."""

PILOTS_SCHEMA: list[str] = [
    # One row per pilot, written in the transaction that confirms the list (scoring/pilots/registry.py).
    """CREATE TABLE pilots (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        unit_name VARCHAR NOT NULL,
        unit_type VARCHAR NOT NULL,
        city VARCHAR NOT NULL,
        first_year INTEGER NOT NULL,
        last_year INTEGER NOT NULL,
        round_id VARCHAR NOT NULL,
        confirmation_version INTEGER NOT NULL,
        list_order INTEGER NOT NULL,
        letter_number VARCHAR,
        funding_wan DECIMAL(12, 2),
        created_at TIMESTAMP NOT NULL,
        created_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code)
    )""",
    # Every change of a pilot's status, the newest in force; the year is the pilot year the change belongs to.
    "CREATE SEQUENCE pilot_status_seq START 1",
    """CREATE TABLE pilot_statuses (
        change_id BIGINT PRIMARY KEY DEFAULT nextval('pilot_status_seq'),
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        status VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        changed_at TIMESTAMP NOT NULL,
        changed_by VARCHAR NOT NULL
    )""",
    # The plan's goals as figures (JSON list of PilotGoal), read from the plan or set by staff.
    """CREATE TABLE pilot_goals (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        data VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code)
    )""",
    # The yearly report call: deadlines for units and city bureaus of one batch's pilots in one year.
    """CREATE TABLE pilot_report_calls (
        batch_id VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, year)
    )""",
    # A pilot's yearly report (年度工作总结): the draft is version 0, each submission a new version; latest in force.
    """CREATE TABLE pilot_reports (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        version INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        status VARCHAR NOT NULL,
        late BOOLEAN NOT NULL DEFAULT false,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code, year, version)
    )""",
    # The city bureau's opinion on a submitted report version.
    """CREATE TABLE pilot_report_opinions (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        version INTEGER NOT NULL,
        agrees BOOLEAN NOT NULL,
        opinion VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code, year, version)
    )""",
    # Staff's finding on the use of the start-up funds in a year (misuse makes the year 不合格 whatever the score).
    """CREATE TABLE pilot_fund_findings (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        misused BOOLEAN NOT NULL,
        reason VARCHAR NOT NULL,
        found_at TIMESTAMP NOT NULL,
        found_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code, year)
    )""",
    # The outcome of an acceptance or final round per pilot, decided in the meeting: every decision kept.
    "CREATE SEQUENCE pilot_outcome_seq START 1",
    """CREATE TABLE pilot_outcomes (
        decision_id BIGINT PRIMARY KEY DEFAULT nextval('pilot_outcome_seq'),
        round_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        outcome VARCHAR NOT NULL,
        proposed VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        rectify VARCHAR NOT NULL DEFAULT '',
        rectify_by DATE,
        decided_at TIMESTAMP NOT NULL,
        decided_by VARCHAR NOT NULL
    )""",
    # A round's outcomes published (or not): one row per publication.
    """CREATE TABLE pilot_outcome_publications (
        round_id VARCHAR PRIMARY KEY,
        data VARCHAR NOT NULL,
        published_at TIMESTAMP NOT NULL,
        published_by VARCHAR NOT NULL
    )""",
    # The year's award standard (奖补标准) as a setting, and each pilot's computed award once staff confirm it.
    """CREATE TABLE award_standards (
        year INTEGER PRIMARY KEY,
        data VARCHAR NOT NULL,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR NOT NULL
    )""",
    """CREATE TABLE pilot_awards (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        amount DECIMAL(12, 2) NOT NULL,
        confirmed_at TIMESTAMP NOT NULL,
        confirmed_by VARCHAR NOT NULL,
        PRIMARY KEY (batch_id, credit_code, year)
    )""",
    # A rectification report (整改报告) and staff's re-check of it.
    """CREATE TABLE pilot_rectifications (
        batch_id VARCHAR NOT NULL,
        credit_code VARCHAR NOT NULL,
        year INTEGER NOT NULL,
        version INTEGER NOT NULL,
        data VARCHAR NOT NULL,
        submitted_at TIMESTAMP NOT NULL,
        submitted_by VARCHAR NOT NULL,
        recheck VARCHAR,
        recheck_reason VARCHAR,
        rechecked_at TIMESTAMP,
        rechecked_by VARCHAR,
        PRIMARY KEY (batch_id, credit_code, year, version)
    )""",
]
