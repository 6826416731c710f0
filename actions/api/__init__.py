"""Clients of external systems the actions talk to, one module per system."""
