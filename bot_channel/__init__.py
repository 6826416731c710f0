"""The Rasa input channel the gateway talks to (configured in bot/credentials.yml)."""
