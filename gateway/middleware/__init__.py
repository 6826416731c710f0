"""Cross-cutting parts of the gateway: request ids, structured masked logs, metrics, rate limits, CORS."""
