"""The gateway (FastAPI): the only public entry. Citizens' channels, search and the staff's admin API.

- `app.py`         the application factory: builds the resources, mounts routes and middleware;
- `resources.py`   what one process shares, built complete at start-up (Rasa client, knowledge store,
                   searcher, key-value store, button memory, rate limiter, metrics);
- `routes/`        every HTTP route, one module per resource (`admin/` is the staff API and page);
- `channels/`      one chat turn through Rasa for every channel, message conversion, the WeChat protocol;
- `middleware/`    request ids and access log, CORS, body limits, JSON guard, rate limiting, metrics;
- `static/`        the H5 chat page (`web/`) and the staff page (`staff/`);
- `errors.py`, `kv.py`, `index_sync.py`, `rasa_client.py`, `action_server.py`, `schemas.py`.
"""
