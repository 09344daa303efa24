"""Summarise a py-spy `--format raw` profile: where the time of the gunicorn workers goes.

    python bench/profile_summary.py PROFILE.txt [--top 25]

Prints the share of worker samples spent inside (inclusive) each function, and the functions
with the most samples of their own (self). Idle threads waiting for work, and worker start-up, are left out.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

IDLE_LEAVES = ("wait (threading.py)", "select (selectors.py)", "poll (selectors.py)",
               "get (queue.py)", "accept (socket.py)", "sleep (gunicorn/arbiter.py)",
               "wait_for_signals (gunicorn/arbiter.py)", "_worker (concurrent/futures/thread.py)")
FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def frames(stack: str) -> list[str]:
    """Turn one collapsed stack into 'function (module)' names, outermost first."""
    names = []
    for frame in stack.split(";"):
        match = FRAME.match(frame.strip())
        if not match:
            continue
        path = match["file"]
        module = path.split("site-packages/")[-1].split("python3.11/")[-1]
        names.append(f"{match['func']} ({module})")
    return names


def summarise(path: str, top: int) -> None:
    """Read the profile and print the inclusive and self tables."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    with open(path) as handle:
        for line in handle:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            names = frames(stack)
            if not names or names[-1] in IDLE_LEAVES or "create_app" in stack:
                continue  # idle, or a worker still starting up
            samples = int(count)
            total += samples
            for name in set(names):
                inclusive[name] += samples
            own[names[-1]] += samples
    print(f"{total} busy samples")
    print("\ninclusive (share of busy samples inside the function)")
    for name, samples in inclusive.most_common(top * 3):
        if "tpcourse/" in name or any(key in name for key in (
                "sqlalchemy/engine", "flask_login", "flask_wtf", "flask_limiter", "jinja2",
                "werkzeug", "json", "psycopg", "sqlite", "orm/", "hashlib", "session")):
            print(f"{100 * samples / total:6.1f}%  {name}")
    print("\nself (share of busy samples in the function itself)")
    for name, samples in own.most_common(top):
        print(f"{100 * samples / total:6.1f}%  {name}")


def main() -> None:
    """Parse arguments and summarise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    summarise(args.profile, args.top)


if __name__ == "__main__":
    main()
