"""Offline scripts that build the committed model files (need the `train` extra)."""
