"""Chinese NLU for the Rasa bot: knowledge-base vocabulary, text normalisation, rule-based format
entities, the spaCy gazetteer, and the Rasa 3 graph components that use them (`nlu.components`).

nlu/ reads knowledge-base *data* only through `nlu.kb_terms.load_terms`; it imports nothing from
actions/, gateway/ or search/.
"""
