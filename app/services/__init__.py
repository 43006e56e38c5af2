"""Service functions: take a Session and keyword arguments, query and write, never commit."""
