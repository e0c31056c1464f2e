"""Indexing for search, checking links, and swapping the built site into place."""
