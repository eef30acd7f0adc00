"""A tiny explicit publish/subscribe: the one sanctioned way for a lower app to let a higher one
keep derived data (e.g. `members` tells `monitoring` that a cell's roster changed, without
importing it — imports flow one way).

- `publish(name, **payload)` is one line in a writing service, right after its change; every
  handler runs synchronously, in the caller's transaction, so derived rows commit or roll back
  with the change itself.
- `subscribe(name, handler)` is called from the subscribing app's `AppConfig.ready()`.
- An unknown name is an error on both sides, so a typo cannot silently drop an update.
- Not Django signals: no `save()` hooks, no senders; only what services publish on purpose.

Events (payload keys in brackets):
- `cells_changed` [cell_ids=(), member_ids=(), campaign_id=None]: these organisations were
  created or changed kind, or the members, reports or meeting of these cells (or of the current
  cells of these members) changed — in every open campaign or only in `campaign_id`;
- `subtree_changed` [path]: anything under `path` may have changed (a subtree moved there, an
  import wrote members there);
- `campaign_status_changed` [campaign_id]: a campaign was opened, closed or reopened.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

EVENTS = frozenset({"cells_changed", "subtree_changed", "campaign_status_changed"})

Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    """Run `handler(**payload)` on every `publish(name, ...)`; subscribing twice is a no-op."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def publish(name: str, **payload: Any) -> None:
    """Tell subscribers that something happened; call inside the writer's transaction."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    for handler in _handlers[name]:
        handler(**payload)
