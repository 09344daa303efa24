"""Time and trace the streaming exporters: python bench/bench_exports.py [--sizes 1000,10000].

Prints, per row count and format, the wall-clock seconds of a plain run, the output size, and
the peak traced memory (tracemalloc) of a second run. Rows come from a generator, as they do
from the service layer's database cursor, so a flat peak means the export really streams.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.records.conftest import generated_rows  # noqa: E402
from tpcourse.records.badges import stream_badges  # noqa: E402
from tpcourse.records.csv_export import stream_csv  # noqa: E402
from tpcourse.records.json_export import stream_json  # noqa: E402
from tpcourse.records.rows import CompletionRow, Issuer  # noqa: E402
from tpcourse.records.signing import generate_private_key  # noqa: E402
from tpcourse.records.xapi import stream_xapi  # noqa: E402

SITE = "https://tpcourse.example"
MB = 1024 * 1024
KEY = generate_private_key()
ISSUER = Issuer("North Massage School", SITE, "NCBTMB-1234", "records@tpcourse.example")
Exporter = Callable[[Iterable[CompletionRow]], Iterator[bytes]]
EXPORTERS: dict[str, Exporter] = {
    "csv": stream_csv,
    "json": lambda rows: stream_json(rows, {"school": "north"}),
    "xapi": lambda rows: stream_xapi(rows, SITE),
    "badges": lambda rows: stream_badges(rows, ISSUER, KEY),
}


def run(exporter: Exporter, count: int) -> int:
    """Export `count` generated rows, discarding the chunks; return the bytes produced."""
    return sum(len(chunk) for chunk in exporter(generated_rows(count)))


def measure(fmt: str, count: int) -> tuple[float, int, float]:
    """Return seconds (untraced run), output bytes and peak traced MB (traced run)."""
    started = time.perf_counter()
    size = run(EXPORTERS[fmt], count)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        run(EXPORTERS[fmt], count)
        peak = tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()
    return seconds, size, peak


def main() -> None:
    """Parse arguments, run every size and format, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--formats", default="csv,json,xapi", help="any of csv,json,xapi,badges")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    formats = args.formats.split(",")
    print(f"{'rows':>8}  {'format':<7}{'seconds':>9}{'rows/s':>10}{'out MB':>9}{'peak MB':>9}")
    for count in sizes:
        for fmt in formats:
            seconds, size, peak = measure(fmt, count)
            rate = count / seconds if seconds else float("inf")
            print(
                f"{count:>8}  {fmt:<7}{seconds:>9.2f}{rate:>10.0f}{size / MB:>9.1f}{peak:>9.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
