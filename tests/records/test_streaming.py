"""Exports stream: they start before the input ends, and 100k rows use flat memory."""

from __future__ import annotations

import itertools
import tracemalloc

import pytest

from tpcourse.records.badges import stream_badges
from tpcourse.records.csv_export import stream_csv
from tpcourse.records.json_export import stream_json
from tpcourse.records.signing import ExportSigner
from tpcourse.records.xapi import stream_xapi

SITE = "https://tpcourse.example"
MB = 1024 * 1024
EXPORTERS = {
    "csv": stream_csv,
    "json": lambda rows: stream_json(rows, {"school": "north"}),
    "xapi": lambda rows: stream_xapi(rows, SITE),
}


@pytest.mark.parametrize("fmt", ["csv", "json", "xapi", "badges"])
def test_first_chunk_arrives_from_an_endless_input(fmt, row_stream, issuer, key):
    exporters = {**EXPORTERS, "badges": lambda rows: stream_badges(rows, issuer, key)}
    endless = (row for batch in itertools.repeat(None) for row in row_stream(1000))
    first = next(iter(exporters[fmt](endless)))
    assert 0 < len(first) < 256 * 1024


# CSV runs the full 100k rows; JSON and xAPI (slower per row under tracemalloc) run 20k rows,
# enough output to show that memory does not follow the output's size. bench/bench_exports.py
# measures all formats at 1k/10k/100k.
@pytest.mark.parametrize(("fmt", "rows"), [("csv", 100_000), ("json", 20_000), ("xapi", 20_000)])
def test_large_exports_use_flat_memory(fmt, rows, row_stream, key):
    """Peak traced memory stays far below the output's size (and under 50 MB)."""
    signer = ExportSigner(key)
    tracemalloc.start()
    try:
        total = sum(len(chunk) for chunk in signer.wrap(EXPORTERS[fmt](row_stream(rows))))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > 10 * MB  # holding the file in memory would blow the bound below
    assert peak < min(50 * MB, total / 4), f"peak {peak / MB:.1f} MB for {total / MB:.1f} MB out"
    assert signer.signature_document(f"completions.{fmt}", fmt)["bytes"] == total
