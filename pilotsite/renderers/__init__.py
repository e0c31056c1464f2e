"""Turning the .qmd page sources into a website: Quarto when installed, else embedded pandoc."""
