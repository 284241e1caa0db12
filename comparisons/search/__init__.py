"""Intent search over the catalog: one module, a PostgreSQL and a SQLite backend.

Public entry points: `search_run` (service.py) and the pure text functions in normalise.py.
Submodules import models, so import them directly (`from comparisons.search.service import
search_run`); this package file stays import-free so that migrations can load index.py early.
"""
