"""Benchmarks and the loopback production stack they (and tests/production) run on."""
