"""Every SQL statement of notifications, named; parameters are always bound, never formatted in."""

NOTICE_COLUMNS = """notice_id, recipient, kind, subject, body, facts, once_key, state, created_at, created_by, address,
                    attempts, last_error, next_attempt_at, delivered_at, read_at"""

INSERT_NOTICE = """
    INSERT INTO notices (recipient, kind, subject, body, facts, once_key, state, created_at, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    RETURNING notice_id
"""
ONCE_KEY_EXISTS = "SELECT count(*) FROM notices WHERE recipient = ? AND once_key = ?"
SELECT_NOTICE = f"SELECT {NOTICE_COLUMNS} FROM notices WHERE notice_id = ?"
# Unread first, then newest first.
SELECT_NOTICES_OF = f"""
    SELECT {NOTICE_COLUMNS} FROM notices
    WHERE recipient = $recipient AND ($unread_only = FALSE OR read_at IS NULL)
    ORDER BY read_at IS NOT NULL, created_at DESC, notice_id DESC
    LIMIT $limit
"""
SELECT_OUTBOX = f"""
    SELECT {NOTICE_COLUMNS} FROM notices
    WHERE ($recipient IS NULL OR recipient = $recipient) AND ($state IS NULL OR state = $state)
    ORDER BY notice_id DESC
    LIMIT $limit
"""
COUNT_UNREAD = "SELECT count(*) FROM notices WHERE recipient = ? AND read_at IS NULL"
# Oldest first, so a backlog goes out in the order it arose.
SELECT_DUE = f"""
    SELECT {NOTICE_COLUMNS} FROM notices
    WHERE state = $pending AND (next_attempt_at IS NULL OR next_attempt_at <= $now)
    ORDER BY notice_id
    LIMIT $limit
"""
RECORD_DELIVERED = """
    UPDATE notices SET state = ?, address = ?, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL,
                       delivered_at = ?
    WHERE notice_id = ?
"""
RECORD_IN_APP = """
    UPDATE notices SET state = ?, address = ?, attempts = ?, last_error = ?, next_attempt_at = NULL, delivered_at = ?
    WHERE notice_id = ?
"""
RECORD_FAILURE = """
    UPDATE notices SET address = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE notice_id = ?
"""
MARK_READ = "UPDATE notices SET read_at = ? WHERE notice_id = ? AND recipient = ? AND read_at IS NULL"
SELECT_UNREAD_IDS = "SELECT notice_id FROM notices WHERE recipient = ? AND read_at IS NULL ORDER BY notice_id"

SELECT_OWN_ADDRESS = "SELECT email FROM notification_addresses WHERE login = ?"
# The account's own address first; an expert's account falls back on the address in the expert pool.
SELECT_RECIPIENT = """
    SELECT u.display_name, coalesce(a.email, nullif(json_extract_string(e.data, '$.email'), '')) AS email
    FROM users u
    LEFT JOIN notification_addresses a ON a.login = u.login
    LEFT JOIN experts e ON e.expert_id = u.expert_id
    WHERE u.login = ?
"""
SELECT_ADDRESSES = """
    SELECT u.login, u.display_name, a.email, nullif(json_extract_string(e.data, '$.email'), '') AS pool_email, a.changed_at, a.changed_by
    FROM users u
    LEFT JOIN notification_addresses a ON a.login = u.login
    LEFT JOIN experts e ON e.expert_id = u.expert_id
    ORDER BY u.login
"""
UPSERT_ADDRESS = "INSERT OR REPLACE INTO notification_addresses (login, email, changed_at, changed_by) VALUES (?, ?, ?, ?)"
DELETE_ADDRESS = "DELETE FROM notification_addresses WHERE login = ?"

SELECT_MAIL_SETTINGS = "SELECT data FROM mail_settings WHERE settings_id = 1"
UPSERT_MAIL_SETTINGS = """
    INSERT OR REPLACE INTO mail_settings (settings_id, data, changed_at, changed_by) VALUES (1, ?, ?, ?)
"""
