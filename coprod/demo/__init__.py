"""The top layer: what composes several apps.

The staff dashboard (views.py), and the seeding commands: seed_demo, the demo
organisation for `make run` and the stack smoke test, and seed_scale, a large
organisation for measuring reports (scale.py; `make bench`, the query-count
tests). No models.
"""
