"""Pydantic schemas of the API: a family per resource (XCreate, XUpdate, XRead)."""
