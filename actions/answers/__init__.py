"""Answers drawn from the knowledge base: free questions (retrieval and its confidence rule), one part of an
item's guide, 一件事 packages, and what follows an answer (猜你想问, 有帮助/没帮助)."""
