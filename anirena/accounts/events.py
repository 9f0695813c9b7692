"""Audit log tags of account events, shaped ``object:action[:result]``.

Payloads carry ids, reasons and counts, never a password, code, token or key.
"""

SIGNUP = "account:signup"
SIGNUP_BLOCKED = "account:signup:ip_blocked"
ACTIVATE = "account:activate"

LOGIN = "account:login"
LOGIN_FAILED = "account:login:failed"
LOGIN_THROTTLED = "account:login:throttled"
LOGIN_BLOCKED = "account:login:ip_blocked"
LOGOUT = "account:logout"

PASSWORD_RESET_REQUEST = "password:reset_request"
PASSWORD_RESET = "password:reset"
PASSWORD_CHANGE_REQUEST = "password:change_request"
PASSWORD_CHANGE = "password:change"
PASSWORD_CHANGE_FAILED = "password:change:failed"

TWO_FACTOR_ENABLE = "2fa:enable"
TWO_FACTOR_ENABLE_FAILED = "2fa:enable:failed"
TWO_FACTOR_DISABLE = "2fa:disable"
TWO_FACTOR_DISABLE_FAILED = "2fa:disable:failed"
RECOVERY_CODES_REGENERATE = "2fa:recovery_codes_regenerate"
RECOVERY_CODE_USE = "2fa:recovery_code_use"

SESSION_REVOKE = "session:revoke"
SESSION_REVOKE_OTHERS = "session:revoke_others"

API_KEY_CREATE = "api_key:create"
API_KEY_REVOKE = "api_key:revoke"

DELETION_REQUEST = "account:deletion_request"
DELETION_CANCEL = "account:deletion_cancel"
DELETION_COMPLETE = "account:deletion_complete"

BAN = "account:ban"
UNBAN = "account:unban"
ROLE_CHANGE = "account:role_change"
