"""The floor for `make bench-http`: a bare Django app beside Coprod, to measure against.

It runs Coprod's middleware and production security settings, keeps its
sessions in PostgreSQL (a database of its own on the same server, named by
BENCH_FLOOR_DATABASE_URL) and serves one small page that reads the session
and the logged-in user: what any page costs before it does its own work.
"""
