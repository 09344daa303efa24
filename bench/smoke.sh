#!/usr/bin/env bash
# Seconds-long smoke run of every benchmark, so they keep working (CI calls this). It checks
# that each one runs and that the submit load has no errors and the page counts stay flat;
# it asserts no timing. Usage: bash bench/smoke.sh   (PostgreSQL is used when reachable)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
export PYTHONWARNINGS=ignore

echo "== submit path (gunicorn, tpcourse and baseline)"
$PY bench/bench_submit.py --trainees 8 --duration 2 --rounds 1 --warmup 1 --accounts 16 \
  --workers 2 --threads 2
echo "== one exam in-process"
$PY bench/bench_cycle.py --cycles 10
echo "== page statement counts"
$PY bench/bench_pages.py --sizes 10x1,60x5x2
echo "== grading and item analysis"
$PY bench/bench_grading.py --attempts 300 --runs 1 --number 5
$PY bench/bench_analysis.py --attempts 300 --runs 1
echo "== item analysis from the database"
$PY -m bench.bench_item_analysis_db --attempts 300 --questions 10 --repeat 1
echo "== exports"
$PY bench/bench_exports.py --sizes 1000
echo "== a school's export from the database (memory growth checked)"
$PY bench/bench_school_export.py --rows 1000
if $PY -c 'import sys; sys.path.insert(0, "."); from bench.harness import postgres_available
sys.exit(0 if postgres_available() else 1)'; then
  $PY bench/bench_school_export.py --rows 1000 --db postgresql
fi
echo "== every page at a large provider's size (here: 1 %)"
$PY -m bench.bench_scale --db sqlite --scale 0.01 --loads 2 --top 10
echo "== the school dashboard at a large school's size (here: 1 %)"
$PY -m bench.bench_dashboard --db sqlite --scale 0.01 --loads 1
echo "== CPU per request of a trainee's exam visit"
$PY bench/bench_visit.py --db sqlite --repeat 3 --logins 1
echo "bench smoke: all benchmarks ran"
