"""Property-based fuzzing of GET /api/search and /api/search/suggest against the real gateway process.

Every query string either gets the contract's answer (200 with `query`, `total`, `results[...]`,
`suggestion`) or a Chinese 422; the cases the contract decides (missing, blank or over-long `q`, a `type`
or `limit` out of range) are predicted and must go the predicted way."""

from __future__ import annotations

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import FUZZ, assert_clear_4xx, mutated, valid_text, weird_text

KINDS = ("item", "faq", "package", "app")
text = weird_text(surrogates=False)  # a URL carries UTF-8 bytes: lone surrogates are sent as raw bytes elsewhere
valid = st.fixed_dictionaries(
    {
        "q": st.one_of(
            st.sampled_from(["身份证", "shebaoka", "sfz", "補辦身份證", "社保卡 太原", "身份证 OR", "社保*"]),
            valid_text(100),
        )
    },
    optional={
        "type": st.sampled_from(KINDS),
        "region": st.sampled_from(["太原市", "小店区", "大同市"]),
        "department": st.sampled_from(["ga", "山西省公安厅"]),
        "online": st.sampled_from(["true", "false", "是", "0"]),
        "limit": st.integers(1, 50).map(str),
    },
)
params = st.one_of(
    valid,
    mutated(
        valid, ["q", "type", "region", "department", "online", "limit"], st.one_of(text, st.integers(-5, 60).map(str))
    ),
)


def _int(value: str):
    try:
        return int(value)
    except ValueError:
        return None


@settings(FUZZ, max_examples=120)
@given(query=params)
def test_search_answers_or_refuses_in_chinese(gw, query):
    response = gw.client.get("/api/search", params=query)
    event(f"HTTP {response.status_code}")
    q = query.get("q")
    limit = _int(query["limit"]) if "limit" in query else 10
    must_refuse = (
        q is None
        or not q.strip()
        or len(q) > 500
        or query.get("type", "item") not in KINDS
        or limit is None
        or not 1 <= limit <= 50
    )
    if response.status_code == 200:
        assert not must_refuse, (query, response.text[:300])
        body = response.json()
        assert body["query"] == q.strip()
        assert isinstance(body["total"], int) and body["total"] >= len(body["results"])
        assert len(body["results"]) <= limit
        for hit in body["results"]:
            assert hit["type"] in KINDS and hit["id"] and hit["title"] and isinstance(hit["score"], float)
            assert "type" not in query or hit["type"] == query["type"]
        assert body["suggestion"] is None or isinstance(body["suggestion"], str)
    else:
        assert response.status_code == 422, (query, response.status_code, response.text[:300])
        assert_clear_4xx(response, query)


@settings(FUZZ, max_examples=60)
@given(q=st.one_of(st.none(), text), limit=st.one_of(st.none(), st.integers(-2, 30).map(str), text))
def test_suggest_answers_or_refuses_in_chinese(gw, q, limit):
    query = {k: v for k, v in (("q", q), ("limit", limit)) if v is not None}
    response = gw.client.get("/api/search/suggest", params=query)
    event(f"HTTP {response.status_code}")
    n = _int(limit) if limit is not None else 8
    if response.status_code == 200:
        assert q is not None and 1 <= len(q) <= 50 and n is not None and 1 <= n <= 20, (query, response.text)
        body = response.json()
        assert body["query"] == q.strip() and len(body["suggestions"]) <= n
        assert all(isinstance(s, str) and s for s in body["suggestions"])
    else:
        assert response.status_code == 422, (query, response.status_code, response.text[:300])
        assert_clear_4xx(response, query)
