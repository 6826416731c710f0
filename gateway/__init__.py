"""The public entry (FastAPI): chat channels, search API, health; talks to Rasa only over HTTP."""
