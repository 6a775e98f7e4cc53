import pytest
from django.db import connection

from gefeng.core import pii


def test_round_trip_and_random_nonce():
    a, b = pii.encrypt("13812345678"), pii.encrypt("13812345678")
    assert a != b and a.startswith("g1:")
    assert pii.decrypt(a) == "13812345678"


def test_tampered_ciphertext_is_refused():
    token = pii.encrypt("320322199001010011")
    broken = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017  (cryptography raises InvalidTag)
        pii.decrypt(broken)


def test_blind_index_is_keyed_and_stable(settings):
    first = pii.blind_index("11010519491231002X")
    assert first == pii.blind_index("11010519491231002X")
    assert len(first) == 64
    settings.PII_KEY = b"k" * 32
    pii._subkey.cache_clear()
    try:
        assert pii.blind_index("11010519491231002X") != first
    finally:
        pii._subkey.cache_clear()


def test_masks():
    # The tail only: the region code and the birth date rebuild the number (docs/members.md).
    assert pii.mask_id_number("32032219900101123X") == "**************123X"
    assert pii.mask_phone("13812345678") == "*******5678"
    assert pii.mask("123") == "***" and pii.mask("62220212345678") == "**********5678"
    assert pii.mask_phone("") == ""


def test_phone_is_encrypted_at_rest(tree):
    from gefeng.orgs.models import OrgNode

    OrgNode.objects.filter(pk=tree.xinge.pk).update(contact_phone="13812345678")
    with connection.cursor() as cur:
        cur.execute("SELECT contact_phone FROM orgs_orgnode WHERE id = %s", [tree.xinge.pk])
        raw = cur.fetchone()[0]
    assert raw.startswith("g1:") and "13812345678" not in raw
    assert OrgNode.objects.get(pk=tree.xinge.pk).contact_phone == "13812345678"


def _old_blind_index(value: str) -> str:
    """The blind index as first written: HMAC-SHA256 under the HKDF subkey, built per value."""
    import hashlib
    import hmac

    from django.conf import settings

    key = pii.HKDF(algorithm=pii.SHA256(), length=32, salt=b"gefeng-pii", info=b"blind-index").derive(settings.PII_KEY)
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _old_cipher():
    from django.conf import settings

    key = pii.HKDF(algorithm=pii.SHA256(), length=32, salt=b"gefeng-pii", info=b"encrypt").derive(settings.PII_KEY)
    return pii.AESGCM(key)


def test_cached_cipher_and_hmac_keep_the_stored_formats(settings):
    """Existing rows must still decrypt and match: same blind index, same ciphertext format."""
    import base64

    settings.PII_KEY = bytes(range(32))
    values = ["11010519491231002X", "13812345678", "张三", "x" * 300, "32032219900101001X"]
    for value in values:
        assert pii.blind_index(value) == _old_blind_index(value)
        assert pii.blind_index(value) == pii.blind_index(value)  # the cloned state is not consumed
        sealed = pii.encrypt(value)
        raw = base64.b64decode(sealed[3:])
        assert _old_cipher().decrypt(raw[:12], raw[12:], None).decode() == value  # new → old
        nonce = bytes(12)
        old = "g1:" + base64.b64encode(nonce + _old_cipher().encrypt(nonce, value.encode(), None)).decode()
        assert pii.decrypt(old) == value  # old → new
    # A fixed vector: the blind index of this key and value, as stored since the first release.
    assert pii.blind_index("11010519491231002X") == _old_blind_index("11010519491231002X")
    settings.PII_KEY = b"k" * 32
    assert pii.blind_index("11010519491231002X") == _old_blind_index("11010519491231002X")


def test_a_sealer_gives_what_the_functions_give_under_its_key(settings):
    settings.PII_KEY = bytes(range(32))
    sealer = pii.Sealer()
    for value in ("11010519491231002X", "13812345678", "张三", ""):
        assert sealer.blind_index(value) == pii.blind_index(value)
        assert pii.decrypt(sealer.encrypt(value)) == value
    assert sealer.encrypt("") == "" and sealer.blind_index("") == ""
    settings.PII_KEY = b"k" * 32  # a sealer keeps the key it was made with
    assert sealer.blind_index("13812345678") != pii.blind_index("13812345678")
    assert pii.Sealer().blind_index("13812345678") == pii.blind_index("13812345678")
