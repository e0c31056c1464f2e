"""Rendering the page sources into HTML: the embedded renderer (pandoc + Jinja2) or Quarto."""
