"""Everything of ours that runs inside the Rasa server process (the NLU components are in nlu/):

- `__main__.py`      `python -m rasa_server run …`: Rasa's own command line with the patches below applied;
- `input_channel.py` the input channel the gateway calls (bot/credentials.yml): messages and intent in one reply;
- `tracker_store.py` tracker stores that keep conversations with personal numbers masked;
- `lock_store.py`    a Redis lock store that is safe with several Rasa servers on one Redis;
- `validation.py`, `parsed_intent.py`  patches of Rasa internals (docs/patches.md says what, why and the
  measured gain; tests/rasa_server/test_patched_signatures.py fails when an upgrade changes what they patch).
"""
