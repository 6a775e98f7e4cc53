"""Personal data at rest: authenticated encryption, blind index and masking.

PIPL §28 and §51 ask for encryption and de-identification of sensitive personal data; 居民身份证法
§19 punishes leaks of ID numbers. Values are sealed with AES-256-GCM under a key derived from
GEFENG_PII_KEY; exact lookups use a keyed HMAC (blind index) so the plain value is never stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

_PREFIX = "g1:"  # format version, so keys or algorithms can be rotated later


@lru_cache(maxsize=4)
def _subkey(purpose: bytes, master: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=b"gefeng-pii", info=purpose).derive(master)


def _enc_key() -> bytes:
    return _subkey(b"encrypt", settings.PII_KEY)


def _index_key() -> bytes:
    return _subkey(b"blind-index", settings.PII_KEY)


# Built once per master key (an import seals two values and hashes two per row: setting up the
# cipher and the HMAC's key schedule each time was half the cost). Keyed by the master key, so a
# changed GEFENG_PII_KEY (tests) takes effect without clearing anything.
@lru_cache(maxsize=4)
def _cipher(master: bytes) -> AESGCM:
    return AESGCM(_subkey(b"encrypt", master))


@lru_cache(maxsize=4)
def _keyed_hmac(master: bytes) -> hmac.HMAC:
    return hmac.new(_subkey(b"blind-index", master), digestmod=hashlib.sha256)


def encrypt(plain: str) -> str:
    return _seal(_cipher(settings.PII_KEY), plain)


def _seal(cipher: AESGCM, plain: str) -> str:
    if plain == "":
        return ""
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, plain.encode("utf-8"), None)
    return _PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("not a gefeng ciphertext")
    raw = base64.b64decode(token[len(_PREFIX) :])
    return _cipher(settings.PII_KEY).decrypt(raw[:12], raw[12:], None).decode("utf-8")


def blind_index(value: str) -> str:
    """Keyed hash for exact lookup and de-duplication (hex, 64 characters)."""
    return _digest(_keyed_hmac(settings.PII_KEY), value)


def _digest(keyed: hmac.HMAC, value: str) -> str:
    if not value:
        return ""
    mac = keyed.copy()  # the keyed state, without redoing the key schedule
    mac.update(value.encode("utf-8"))
    return mac.hexdigest()


class Sealer:
    """`encrypt` and `blind_index` bound to the key in force when it is made: for a loop over
    many values (a roster import seals two and hashes two per row), without looking the key up
    for each. The results are those of the functions."""

    def __init__(self) -> None:
        self._cipher = _cipher(settings.PII_KEY)
        self._mac = _keyed_hmac(settings.PII_KEY)

    def encrypt(self, plain: str) -> str:
        return _seal(self._cipher, plain)

    def blind_index(self, value: str) -> str:
        return _digest(self._mac, value)


# How many trailing characters a mask keeps. Four is what people recognise a number by (and
# what they read out on the phone); everything before them is what identifies the person: the
# region code and the birth date of an ID number, the carrier prefix and the subscriber block
# of a phone. Showing the region or the birth date beside a tail lets anyone rebuild the whole
# number from a masked screen or export (the check digit confirms the guess), so every mask is
# the tail only, and the birth date is never shown next to a masked number (docs/members.md).
MASK_KEEP = 4


def mask(value: str, *, keep: int = MASK_KEEP) -> str:
    """The one masking rule: every character but the last `keep` becomes `*` (values of `keep`
    characters or fewer are hidden entirely, a short value being mostly its tail)."""
    if not value:
        return ""
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]


def mask_id_number(value: str) -> str:
    """`**************123X`: the last four characters of a 居民身份证号 only."""
    return mask(value)


def mask_phone(value: str) -> str:
    """`*******5678`: the last four digits only."""
    return mask(value)


class EncryptedCharField(models.TextField):
    """A text value stored sealed; Python code sees the plain value.

    It cannot be filtered or sorted on: pair it with a blind-index field for lookups.
    """

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
