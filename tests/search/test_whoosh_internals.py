"""search/postings.py decodes Whoosh's W3 posting blocks through private matcher methods (docs/patches.md).
If an upgrade of whoosh-reloaded changes them, the fast path must still give exactly what the public,
one-posting-at-a-time path gives — or this fails."""

import numpy as np
from whoosh import fields, index

from search import postings


def test_block_decoding_equals_the_public_matcher(tmp_path):
    schema = fields.Schema(body=fields.TEXT(stored=False))
    ix = index.create_in(str(tmp_path), schema)
    writer = ix.writer()
    for n in range(700):  # several blocks of 128 postings, with varying weights
        writer.add_document(body=" ".join(["身份证"] * (1 + n % 5) + [f"w{n}"]))
    writer.commit()
    with ix.searcher() as searcher:
        leaf = searcher.reader()
        fast_matcher = leaf.postings("body", "身份证")
        for name in ("_read_ids", "_read_weights", "_next_block", "_ids", "_weights"):
            assert hasattr(fast_matcher, name), f"whoosh matcher lost {name}: re-check search/postings.py"
        fast_ids, fast_weights = postings._decode(fast_matcher)
        slow = leaf.postings("body", "身份证")
        slow_ids, slow_weights = [], []
        while slow.is_active():
            slow_ids.append(slow.id())
            slow_weights.append(slow.weight())
            slow.next()
    assert len(fast_ids) == 700
    assert np.array_equal(fast_ids, np.asarray(slow_ids)) and np.allclose(fast_weights, slow_weights)
