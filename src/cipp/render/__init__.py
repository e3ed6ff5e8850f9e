"""Renderers: turn Results into terminal tables, JSON, CSV, Markdown and Excel workbooks."""
