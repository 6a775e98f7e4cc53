"""Backup and restore of the whole platform: the database, the uploaded files and a manifest.

`archive` writes and checks the tar file, `database` takes and loads the database snapshot
(SQLite's online backup, pg_dump/pg_restore), `retention` prunes scheduled archives, and `run`
puts them together for `gefeng backup` and `gefeng restore`. This package imports nothing at load
time: settings.py reads `retention` before Django is set up.
"""
