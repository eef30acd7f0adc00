from tusoi.testing.scope import ScopeCase

PUBLIC = {
    "accounts:login": "the login page itself",
    "accounts:logout": "ends the caller's own session",
    "accounts:first_password": "the caller's own password",
    "accounts:profile": "the caller's own account",
}
CASES: list[ScopeCase] = []
