"""The knowledge base (问答库): entry schema, storage, loaders. Imports nothing else of the project."""
