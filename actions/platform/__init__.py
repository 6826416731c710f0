"""Submitting to the platform's application API (预约、申办、办件进度、12345 工单、好差评): the HTTP client
with timeouts, retries, idempotency keys and a circuit breaker; the durable outbox (stored before sending,
delivered once); the outbox worker process; and `submission.py`, what the forms call."""
