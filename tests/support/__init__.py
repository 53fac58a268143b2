"""What the tests and the benchmarks share: scratch databases, throwaway PostgreSQL clusters and
the app under gunicorn, the fault and load scenarios, a fake Telegram Bot API, project copies,
factories. Benchmarks import from here only; nothing here imports a test module.
"""
