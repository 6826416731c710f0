"""Reference server of the provincial government-service platform's application API.

This package stands in for the external system that the customer-service bot hands citizens
over to (identity, appointments, application drafts with pre-filled forms, 12345 work orders,
good/bad service evaluations, the message push to a citizen's phone). It is a self-contained FastAPI
app backed by SQLite: of the rest of the repository it imports only the leaf `pydantic_zh` (the Chinese
validation messages every service shares), and nothing of the product imports it; the bot talks to it over HTTP only.

Run it with::

    python -m devtools.reference_platform --host 127.0.0.1 --port 8100 --db var/reference_api.sqlite3

Behaviour worth knowing when writing tests against it:

* ``POST /auth/token`` issues a bearer token for any well-formed ``user_id`` (dev identity
  issuer); ``GET /auth/me`` returns deterministic fake identity data for that user.
* Every create (and the appointment cancel) except the message push needs the bearer token and honours an
  ``Idempotency-Key`` header, scoped per user: a repeat with the same body replays the first
  handler outcome (status and body, also business 4xx such as 409) with the header
  ``Idempotent-Replayed: true``; a repeat with another body or path answers 422.
  Requests rejected before the handler runs (401, request validation 422, 413, fault modes)
  are not remembered, so a retry with the same key after them is processed normally.
* Reads (``GET`` by number and the ``?user_id=`` listings) need no token.
* ``POST /messages`` (the platform's message push, 站内信/短信, by phone) is a service-to-service call: no
  citizen's token, but the service token when the server was started with one (REFERENCE_API_SERVICE_TOKEN);
  its ``Idempotency-Key`` is scoped to that service. ``GET /messages?phone=`` lists what was pushed.
* Application drafts start as ``待补充`` and advance one step per
  ``POST /_control/applications/{no}/advance`` (待补充 -> 已受理 -> 审核中 -> 已办结); work
  orders start as ``已受理`` and advance per ``POST /_control/workorders/{no}/advance``
  (已受理 -> 处理中 -> 已办结). Nothing advances by itself.
* ``POST /_control`` sets fault modes (delay and/or a forced status for every non-control
  request; ``/healthz``, ``/_control*`` and the OpenAPI docs are exempt), ``POST
  /_control/reset`` clears them, ``GET /_control/received`` lists every create/cancel request
  received (``DELETE /_control/received`` empties that list).
"""

__version__ = "1.0.0"
