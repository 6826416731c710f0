"""Starts the whole stack (`make run`) or one of its processes (Docker), in dependency order."""
