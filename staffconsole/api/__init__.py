"""The HTTP edge: shared dependencies (deps) and one module per router."""
