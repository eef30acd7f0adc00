PUBLIC = {
    "core:home": "the home page shows only what the user's own scope selects",
}
CASES: list = []
