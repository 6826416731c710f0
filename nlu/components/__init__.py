"""Rasa 3 graph components, referenced from bot/config.yml by their dotted class path."""
