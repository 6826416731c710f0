"""ID numbers and phones a citizen types are found neither in the stored conversations (Redis tracker
store, Rasa's tracker API) nor in any process's log."""

import uuid

import httpx
import pytest

from devtools.support.services import rasa_api_params

pytestmark = pytest.mark.stack

ID_NUMBER = "140105199001011234"
PHONE = "13812345678"


def test_personal_numbers_are_masked_in_redis_tracker_api_and_logs(redis_stack, redis_client):
    user = "p-" + uuid.uuid4().hex[:8]
    for text in (f"我的身份证{ID_NUMBER}丢了怎么补办", f"我的电话是{PHONE}", f"{ID_NUMBER} {PHONE}"):
        assert redis_stack.chat(user, text).status_code == 200
    stored = b"".join(redis_client.get(k) or b"" for k in redis_client.keys(f"*{user}*")).decode()
    assert stored, "the conversation should be stored in Redis"
    assert "140***********1234" in stored and "138****5678" in stored
    assert ID_NUMBER not in stored and PHONE not in stored
    rasa_url = redis_stack.env["RASA_URL"]
    tracker = httpx.get(f"{rasa_url}/conversations/{user}/tracker", params=rasa_api_params(), timeout=10).text
    assert ID_NUMBER not in tracker and PHONE not in tracker
    logs = "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in (redis_stack.workdir / "logs").glob("*.log")
    )
    logs += redis_stack.log.read_text(encoding="utf-8", errors="replace")
    assert logs, "the processes should have written logs"
    assert ID_NUMBER not in logs and PHONE not in logs


def test_embedded_store_masks_too(stack):
    user = "p-" + uuid.uuid4().hex[:8]
    assert stack.chat(user, f"电话{PHONE}身份证{ID_NUMBER}").status_code == 200
    url = f"{stack.env['RASA_URL']}/conversations/{user}/tracker"
    assert httpx.get(url, timeout=10).status_code == 401  # Rasa's API answers only with its token (#17)
    tracker = httpx.get(url, params=rasa_api_params(), timeout=10).text
    assert "138****5678" in tracker
    assert ID_NUMBER not in tracker and PHONE not in tracker
