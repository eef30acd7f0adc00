"""Jobs belong to the person who started them, not to a subtree: test_job_scope.py proves that
anyone else, even a committee over the whole province, gets 404 on every job URL."""

REASON = "a user's own jobs only"

PUBLIC = {
    "jobs:list": REASON,
    "jobs:detail": REASON,
    "jobs:progress": REASON,
    "jobs:download": REASON,
    "jobs:cancel": REASON,
    "api:jobs_detail": REASON,
}
