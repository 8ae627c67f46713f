"""Outputs: the JSON contract now; xlsx, docx, PDF and reports build on it."""
