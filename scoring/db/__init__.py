"""The product database, one package: every table (prediction log, users, officers' decisions, letters, audit
trail), its Alembic migrations, and the functions the API and the CLI share to read and write it."""
