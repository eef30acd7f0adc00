"""Pure helpers for the materialised path (no database access)."""

SEGMENT_WIDTH = 5
MAX_SEGMENT = 10**SEGMENT_WIDTH - 2  # keeps successor() inside the same width


def segment(n: int) -> str:
    if not 1 <= n <= MAX_SEGMENT:
        raise ValueError(f"child number {n} outside 1..{MAX_SEGMENT}")
    return f"{n:0{SEGMENT_WIDTH}d}"


def successor(path: str) -> str:
    """The smallest path that sorts after every path starting with `path`."""
    return f"{int(path) + 1:0{len(path)}d}"


def ancestor_paths(path: str) -> list[str]:
    """Paths of every ancestor, root first, the node itself excluded."""
    return [path[:i] for i in range(SEGMENT_WIDTH, len(path), SEGMENT_WIDTH)]


def depth_of(path: str) -> int:
    return len(path) // SEGMENT_WIDTH - 1


def minimal_roots(paths: list[str]) -> list[str]:
    """Drop every path that lies inside another one of the list."""
    out: list[str] = []
    for p in sorted(set(paths)):
        if not out or not p.startswith(out[-1]):
            out.append(p)
    return out
