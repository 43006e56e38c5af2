"""The server-rendered web UI, in French."""
