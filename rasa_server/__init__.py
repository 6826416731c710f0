"""The Rasa server as this project runs it: Rasa's own command line, with the fixes below applied first.

- Rasa 3.6 checks every action-server reply against a JSON schema with `jsonschema.validate`, which
  re-checks the schema itself and builds a new validator on every call: about 20 ms of CPU per custom
  action, a third of Rasa's CPU per turn (measured with cProfile under benchmarks/load_chat.py). The same
  check with a validator built once costs under 1 ms; the schema, the result and the error raised are
  unchanged.
- The gateway channel returns each turn's intent; Rasa does not hand it to the channel, so the channel read
  the conversation back from the tracker store after every turn. `parsed_intent` keeps the parsed intent
  on the message object instead.
"""
