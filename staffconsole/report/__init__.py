"""Failure demand: why patients needed a person, as figures, text, CSV and SVG."""
