"""Every table of the knowledge database, on one `metadata` so that one `create_all` makes them all.

Live content:   kb_entries (what chat and search use), kb_changes (change log for the search indexes),
                kb_meta (profile, synonym list, loader fingerprints), kb_versions (every published version).
Staff work:     kb_revisions (drafts and changes under review), kb_audit (who did what, when),
                staff_tokens (hashed bearer tokens with roles).
Hit tests:      kb_hit_test_sets (saved test sets), kb_hit_test_reviews (a change's before/after).
Feedback:       kb_questions (each question and whether it was answered), kb_unanswered_groups
                (the unanswered-question queue, grouped by similarity), kb_events (hand-offs, ratings).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

entries = sa.Table(
    "kb_entries",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

changes = sa.Table(
    "kb_changes",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("id", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)
"""Change log: one row per changed entry, written in the same transaction as the change. Each node's
search index applies the rows after the last sequence number it applied (see search/), so the index
follows the database without full rebuilds, and catches up after a crash or on a new node.
Writers are serialised (see KnowledgeStore.transaction), so sequence numbers commit in order."""

meta = sa.Table(
    "kb_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

versions = sa.Table(
    "kb_versions",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("action", sa.String(8), nullable=False),  # save | delete
    sa.Column("data", sa.Text, nullable=True),  # the entry as published; NULL for a deletion
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),  # sample | admin | import | cli | rollback | system
    sa.Column("at", sa.DateTime, nullable=False),
)

revisions = sa.Table(
    "kb_revisions",
    metadata,
    sa.Column("rev", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("entry_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(8), nullable=False),  # save | delete
    sa.Column("data", sa.Text, nullable=True),
    sa.Column("base_version", sa.Integer, nullable=False),  # live version it was made from; 0 = new entry
    sa.Column("state", sa.String(16), nullable=False),  # draft | review | published | rejected | withdrawn
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("submitted_at", sa.DateTime, nullable=True),
    sa.Column("reviewer", sa.String(64), nullable=True),
    sa.Column("reviewed_at", sa.DateTime, nullable=True),
    sa.Column("comment", sa.Text, nullable=False, default=""),
    sa.Column("published_version", sa.Integer, nullable=True),
    sa.Column("origin", sa.String(16), nullable=False, default="admin"),  # admin | rollback | import | unanswered
    sa.Index("ix_kb_revisions_entry", "kind", "entry_id", "state"),
)

audit = sa.Table(
    "kb_audit",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False, default=""),
    sa.Column("entry_id", sa.String(64), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default="{}"),
    sa.Index("ix_kb_audit_entry", "kind", "entry_id"),
)

staff_tokens = sa.Table(
    "staff_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 hex of the token
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
)

questions = sa.Table(
    "kb_questions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("text", sa.String(200), nullable=False),  # masked
    sa.Column("normalized", sa.String(200), nullable=False),
    sa.Column("answered", sa.Boolean, nullable=False),
    sa.Column("source_kind", sa.String(16), nullable=False, default=""),
    sa.Column("source_id", sa.String(64), nullable=False, default=""),
    sa.Column("channel", sa.String(16), nullable=False, default=""),
    sa.Column("region", sa.String(32), nullable=False, default=""),
    sa.Column("group_id", sa.Integer, nullable=True),  # kb_unanswered_groups.id when not answered
)

unanswered_groups = sa.Table(
    "kb_unanswered_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("text", sa.String(200), nullable=False),  # representative question (masked)
    sa.Column("normalized", sa.String(200), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("first_at", sa.DateTime, nullable=False),
    sa.Column("last_at", sa.DateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # open | resolved | ignored
    sa.Column("faq_id", sa.String(64), nullable=True),
    sa.Column("resolved_by", sa.String(64), nullable=True),
    sa.Index("ix_kb_unanswered_state", "state", "last_at"),
)

events = sa.Table(
    "kb_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("event", sa.String(16), nullable=False),  # handoff | rating | answer_feedback
    sa.Column("name", sa.String(64), nullable=False, default=""),  # hand-off target, or rated entry kind:id
    sa.Column("value", sa.Integer, nullable=False, default=0),  # rating 1..5; answer_feedback 1 helpful, 0 not
    sa.Column("channel", sa.String(16), nullable=False, default=""),
    sa.Column("comment", sa.String(500), nullable=False, default=""),  # masked
)

hit_test_sets = sa.Table(
    "kb_hit_test_sets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("rows", sa.Text, nullable=False),  # JSON: [{"row", "question", "expected": "kind:id" | null}]
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("last_run", sa.Text, nullable=True),  # JSON of the last run's result
    sa.Column("last_run_at", sa.DateTime, nullable=True),
)
"""Staff's hit-test sets (命中测试): test questions with the entry each should find, run through the chat's
retrieval and answer policy (search/hit_tests.py) before publishing."""

hit_test_reviews = sa.Table(
    "kb_hit_test_reviews",
    metadata,
    sa.Column("rev", sa.Integer, primary_key=True),  # kb_revisions.rev
    sa.Column("set_id", sa.Integer, primary_key=True),  # kb_hit_test_sets.id
    sa.Column("basis", sa.String(128), nullable=False),  # what it was computed on (see knowledge/hit_tests.py)
    sa.Column("result", sa.Text, nullable=False),  # JSON: counts before/after and the rows that changed
    sa.Column("at", sa.DateTime, nullable=False),
)
"""A change under review run against each saved hit-test set: live content vs live content + the change."""
