"""WeChat message signatures and the safe mode (AES-256-CBC) envelope, per the official protocol:
signature = sha1 of the sorted (token, timestamp, nonce[, encrypt]); ciphertext = base64 of AES-CBC
(key = base64(EncodingAESKey + "="), iv = key[:16]) over random16 + len(msg) (4 bytes, big-endian) +
msg + appid, PKCS#7-padded to 32 bytes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class SignatureError(ValueError):
    """The request was not signed with our token."""


class CipherError(ValueError):
    """The ciphertext is malformed or was not made for our AppID."""


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_signature(expected: str, *parts: str) -> None:
    if not expected or not hmac.compare_digest(signature(*parts), expected.lower()):
        raise SignatureError("签名校验失败")


class MessageCipher:
    def __init__(self, encoding_aes_key: str, appid: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("EncodingAESKey 不是合法的 43 位 Base64") from exc
        if len(encoding_aes_key) != 43 or len(key) != 32:
            raise ValueError("EncodingAESKey 应为 43 个字符")
        self._key = key
        self.appid = appid

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, plaintext: bytes) -> str:
        body = os.urandom(16) + struct.pack(">I", len(plaintext)) + plaintext + self.appid.encode("utf-8")
        pad = BLOCK - len(body) % BLOCK
        body += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode("ascii")

    def decrypt(self, ciphertext: str) -> bytes:
        try:
            raw = base64.b64decode(ciphertext, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CipherError("密文不是合法的 Base64") from exc
        if not raw or len(raw) % 16:
            raise CipherError("密文长度不正确")
        decryptor = self._cipher().decryptor()
        body = decryptor.update(raw) + decryptor.finalize()
        pad = body[-1]
        if not 1 <= pad <= BLOCK or body[-pad:] != bytes([pad]) * pad:
            raise CipherError("密文填充不正确")
        body = body[:-pad]
        if len(body) < 20:
            raise CipherError("密文内容过短")
        (length,) = struct.unpack(">I", body[16:20])
        message, appid = body[20 : 20 + length], body[20 + length :]
        if len(message) != length:
            raise CipherError("密文长度字段不正确")
        if not hmac.compare_digest(appid, self.appid.encode("utf-8")):
            raise CipherError("消息不是发给本账号（AppID 不符）")
        return message
