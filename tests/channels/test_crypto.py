"""Our safe-mode cipher and signatures against wechatpy's independent implementation."""

import pytest
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException

from gateway.channels.wechat.crypto import CipherError, MessageCipher, SignatureError, check_signature, signature
from tests.channels.wechat_client import AES_KEY, APPID, TOKEN, sign


def test_signature_matches_wechatpy_and_rejects_others():
    assert signature(TOKEN, "1700000000", "n1") == sign(TOKEN, "1700000000", "n1")
    check_signature(sign(TOKEN, "1700000000", "n1"), TOKEN, "1700000000", "n1")
    with pytest.raises(SignatureError):
        check_signature(sign(TOKEN, "1700000001", "n1"), TOKEN, "1700000000", "n1")
    with pytest.raises(SignatureError):
        check_signature("", TOKEN, "1700000000", "n1")


def test_wechatpy_encrypts_we_decrypt():
    xml = "<xml><Content><![CDATA[身份证丢了怎么补办 😀]]></Content></xml>"
    envelope = xmltodict.parse(WeChatCrypto(TOKEN, AES_KEY, APPID).encrypt_message(xml, "nonce", "1700000000"))["xml"]
    assert MessageCipher(AES_KEY, APPID).decrypt(envelope["Encrypt"]).decode("utf-8") == xml
    check_signature(envelope["MsgSignature"], TOKEN, "1700000000", "nonce", envelope["Encrypt"])


def test_we_encrypt_wechatpy_decrypts_and_checks_signature():
    xml = "<xml><Content><![CDATA[补领居民身份证收取工本费20元。]]></Content></xml>"
    encrypt = MessageCipher(AES_KEY, APPID).encrypt(xml.encode("utf-8"))
    envelope = (
        f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature><![CDATA["
        f"{signature(TOKEN, '1700000000', 'n2', encrypt)}]]></MsgSignature></xml>"
    )
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    assert crypto.decrypt_message(envelope, signature(TOKEN, "1700000000", "n2", encrypt), "1700000000", "n2") == xml
    with pytest.raises(InvalidSignatureException):
        crypto.decrypt_message(envelope, signature(TOKEN, "1700000000", "other", encrypt), "1700000000", "n2")


def test_message_for_another_appid_is_refused():
    encrypt = MessageCipher(AES_KEY, "wx-other-app").encrypt(b"<xml/>")
    with pytest.raises(CipherError, match="AppID 不符"):
        MessageCipher(AES_KEY, APPID).decrypt(encrypt)


@pytest.mark.parametrize(
    "ciphertext, reason",
    [
        ("not base64!!", "Base64"),
        ("QUJD", "长度"),
        ("A" * 44, "填充|长度"),
    ],
)
def test_garbage_ciphertext_is_a_clear_error(ciphertext, reason):
    with pytest.raises(CipherError, match=reason):
        MessageCipher(AES_KEY, APPID).decrypt(ciphertext)


def test_bad_aes_key_is_refused_at_configuration():
    with pytest.raises(ValueError, match="EncodingAESKey"):
        MessageCipher("short", APPID)
