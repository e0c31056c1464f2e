"""Figures: declarations, discovery, running and drawing them, and their cache."""
