"""Rasa tracker stores that keep conversations with personal numbers masked (configured by the launcher)."""
