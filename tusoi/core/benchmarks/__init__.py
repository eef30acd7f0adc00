"""Benchmarks run from the command line (`tusoi bench <name>`): timings, not tests."""
