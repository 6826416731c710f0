"""The kinds of question issue #14 names, through /api/chat on the real stack (NLU with EvidenceRanker, the
action server's fused retrieval and answer policy): each is answered first with the right entry — never
没太明白, a menu, "哪个事项" or an unrelated 一件事."""

import pytest

pytestmark = pytest.mark.stack

EXAMPLES = [
    ("我外婆今年八十七了能领高龄津贴不", {"item:mz-elderly-allowance", "faq:faq-mz-016"}),
    ("刚来太原打工，居住证咋办", {"item:ga-residence-permit", "faq:faq-ga-016"}),
    ("我老婆前天生了个闺女", {"package:pk-newborn", "item:ga-birth-registration"}),
    ("驾照弄丢了还能补办吗", {"item:ga-driving-license-reissue", "faq:faq-ga-038"}),
    ("燃气费在哪里交", {"app:app-utilities-payment"}),
    ("老家的户口想迁到太原来怎么弄", {"item:ga-hukou-move-in", "faq:faq-ga-023"}),
]


@pytest.mark.parametrize("text, right", EXAMPLES, ids=[t for t, _ in EXAMPLES])
def test_the_named_kind_is_answered_first_with_its_entry(stack, text, right):
    reply = stack.conversation("issue14-")(text)
    sources = [f"{s['type']}:{s['id']}" for s in reply["sources"]]
    assert sources and sources[0] in right, (reply["intent"], sources, [m["text"][:40] for m in reply["messages"]])
