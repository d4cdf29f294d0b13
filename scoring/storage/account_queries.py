"""Every SQL statement of accounts and roles, named; parameters are always bound, never formatted in."""

USER_COLUMNS = """login, display_name, password_hash, must_change_password, failed_attempts, locked_until, active,
                  expert_id, created_at, created_by, password_changed_at, last_login_at"""
SELECT_USER = f"SELECT {USER_COLUMNS} FROM users WHERE login = ?"
SELECT_USERS = f"SELECT {USER_COLUMNS} FROM users ORDER BY login"
SELECT_LOGIN_OF_EXPERT = "SELECT login FROM users WHERE expert_id = ?"
INSERT_USER = """
    INSERT INTO users (login, display_name, password_hash, must_change_password, expert_id, created_at, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?)
"""
SET_PASSWORD = """
    UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?, failed_attempts = 0,
                     locked_until = NULL
    WHERE login = ?
"""
RECORD_LOGIN = """
    UPDATE users SET password_hash = coalesce(?, password_hash), failed_attempts = 0, locked_until = NULL,
                     last_login_at = ?
    WHERE login = ?
"""
RECORD_FAILURE = "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE login = ?"
UNLOCK_USER = "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE login = ?"
SET_ACTIVE = "UPDATE users SET active = ? WHERE login = ?"
COUNT_ACTIVE_GLOBAL_HOLDERS = """
    SELECT count(DISTINCT u.login) FROM users u JOIN role_grants g ON g.login = u.login
    WHERE u.active AND g.role = ? AND g.batch_id IS NULL
"""

SELECT_GRANTS = "SELECT role, batch_id, city FROM role_grants WHERE login = ? ORDER BY grant_id"
SELECT_ALL_GRANTS = "SELECT login, role, batch_id, city FROM role_grants ORDER BY grant_id"
INSERT_GRANT = """
    INSERT INTO role_grants (login, role, batch_id, city, granted_at, granted_by) VALUES (?, ?, ?, ?, ?, ?)
"""
DELETE_GRANT = """
    DELETE FROM role_grants
    WHERE login = ? AND role = ? AND batch_id IS NOT DISTINCT FROM ? AND city IS NOT DISTINCT FROM ?
"""

INSERT_SESSION = """
    INSERT INTO sessions (token_sha256, login, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)
"""
SELECT_SESSION = """
    SELECT login, created_at, last_seen_at, expires_at, revoked_at FROM sessions WHERE token_sha256 = ?
"""
TOUCH_SESSION = "UPDATE sessions SET last_seen_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL"
REVOKE_SESSION = """
    UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE token_sha256 = ? AND revoked_at IS NULL
"""
REVOKE_SESSIONS_OF_USER = """
    UPDATE sessions SET revoked_at = ?, revoked_reason = ?
    WHERE login = ? AND revoked_at IS NULL AND token_sha256 IS DISTINCT FROM ?
"""

INSERT_LINK = """
    INSERT INTO login_links (token_sha256, login, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?)
"""
SELECT_LINK = "SELECT login, expires_at, used_at, revoked_at FROM login_links WHERE token_sha256 = ?"
USE_LINK = "UPDATE login_links SET used_at = ? WHERE token_sha256 = ? AND used_at IS NULL AND revoked_at IS NULL"
REVOKE_LINKS_OF_USER = """
    UPDATE login_links SET revoked_at = ? WHERE login = ? AND used_at IS NULL AND revoked_at IS NULL
"""

SELECT_POLICY = "SELECT data FROM account_policy WHERE policy_id = 1"
SAVE_POLICY = "INSERT OR REPLACE INTO account_policy VALUES (1, ?, ?, ?)"
