"""Custom actions of the Rasa action server (rasa_sdk), by role:

- `answers/`   answering from the knowledge base: free questions, guide parts, 一件事, feedback on answers;
- `dialogue/`  what every turn shares: conversation context, numbered choices, disambiguation, 长辈模式,
               rendering, the greeting, the fallback ladder and 转人工 (handing the chat to a person);
- `forms/`     the forms that do something for the citizen: 预约, 申办, 办件进度, 投诉/建议, 好差评;
- `platform/`  submitting to the platform's application API: its client, circuit breaker, outbox and the
               outbox worker process. "Submission" always means this; "handoff" only means 转人工.

`resources.py` opens the knowledge store and the searcher once per process; `background.py` runs work that
must never delay a reply.
"""
