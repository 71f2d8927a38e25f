"""Benchmarks: Foot Coach beside a hello-world ask-sdk-core skill (``python -m bench.run``)."""
