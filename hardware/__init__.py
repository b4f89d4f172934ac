"""Seen hardware: ESC/POS receipt printer over serial, a simulated printer, diagnostics."""
