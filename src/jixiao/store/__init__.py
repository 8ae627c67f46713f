"""The store: evaluations, findings and department lists in SQLite (default) or PostgreSQL.

``db.open_store`` gives an engine with the schema migrated; ``importer.import_paths`` fills it;
``query`` reads it back (``query.load_evaluations`` for exporters and reports); ``summary``
builds the tables a finance bureau publishes; ``commands`` are the CLI's import/summary/findings.
"""
