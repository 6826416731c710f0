"""The chat channels and what they share: one chat turn through Rasa (`chat_service.py`, used by
`/api/chat` and WeChat alike), the conversion of Rasa's messages into the contract's (`messages.py`), the
button payloads a sender may send back (`button_memory.py`), the welcome; and the WeChat protocol
(`wechat/`: signatures, AES, XML, dedupe, the customer-service API). The H5 page itself is static
(gateway/static/web/) and talks to `/api/chat`."""
