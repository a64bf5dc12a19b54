"""Benchmarks: `make bench` runs bench/run.py, which writes results.md and results.json."""
