"""Pure rules: when to raise an alert, escalation, names, look-up limits. No I/O; functions take `now`."""
