import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gefeng.core.validators import (
    clean_text,
    id_check_char,
    make_uscc,
    normalize_id_number,
    normalize_mobile,
    normalize_region_code,
    normalize_uscc,
    parse_id_number,
)


class TestIdNumber:
    def test_published_example(self):
        info = parse_id_number("11010519491231002X")
        assert info.number == "11010519491231002X"
        assert info.birth_date == dt.date(1949, 12, 31)
        assert info.sex == "女"
        assert info.region == "110105"

    def test_lower_case_x_is_stored_upper_case(self):
        assert normalize_id_number("11010519491231002x") == "11010519491231002X"

    def test_full_width_and_spaces_are_cleaned(self):
        assert normalize_id_number("　１１０１０５ １９４９１２３１００２Ｘ ") == "11010519491231002X"

    def test_fifteen_digits_are_upgraded(self):
        # 15-digit 110105491231002 → century 19 inserted, check digit computed.
        upgraded = normalize_id_number("110105491231002")
        assert upgraded == "11010519491231002X"

    def test_male_from_odd_sequence(self):
        body = "32032219900101001"
        assert parse_id_number(body + id_check_char(body)).sex == "男"

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            ("", "id_empty"),
            ("1101051949123100", "id_length"),
            ("11010519491231002Y", "id_format"),
            ("11010519491231003X", "id_check"),
            ("110105194902300021", "id_birth"),  # 30 February
        ],
    )
    def test_rejections_have_codes_and_chinese_messages(self, value, code):
        with pytest.raises(ValidationError) as exc:
            normalize_id_number(value)
        assert exc.value.code == code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.messages[0])

    def test_birth_date_in_the_future_is_refused(self):
        body = "32032220990101001"
        with pytest.raises(ValidationError) as exc:
            normalize_id_number(body + id_check_char(body), today=dt.date(2026, 1, 1))
        assert exc.value.code == "id_birth"


class TestUscc:
    @pytest.mark.parametrize(
        "code",
        [
            "91350100M000100Y43",  # published example
            "91320322710000005C",
            "91320322710079198U",
            "9132032271015838X3",
            "91320322710237571J",
        ],
    )
    def test_valid_codes(self, code):
        assert normalize_uscc(code.lower()) == code

    def test_wrong_check_character(self):
        with pytest.raises(ValidationError) as exc:
            normalize_uscc("91350100M000100Y44")
        assert exc.value.code == "uscc_check"

    def test_inner_organisation_code_check(self):
        # Change the GB 11714 check (position 17) and recompute the outer check: still refused.
        body = "91350100M000100Y"[:16] + "5"
        from gefeng.core.validators import uscc_check_char

        with pytest.raises(ValidationError) as exc:
            normalize_uscc(body + uscc_check_char(body))
        assert exc.value.code == "uscc_org_check"

    def test_forbidden_letters(self):
        with pytest.raises(ValidationError) as exc:
            normalize_uscc("91350100M000100I43")
        assert exc.value.code == "uscc_chars"

    def test_bad_authority(self):
        with pytest.raises(ValidationError) as exc:
            normalize_uscc("B" + make_uscc("91", "350100", "M000100Y")[1:])
        assert exc.value.code in {"uscc_kind", "uscc_check"}

    def test_union_code_can_be_made(self):
        code = make_uscc("81", "320322", "MA1X0001")
        assert code.startswith("81320322")
        assert normalize_uscc(code) == code


class TestOthers:
    @pytest.mark.parametrize(
        "value", ["13812345678", "+86 138 1234 5678", "8613812345678", "138-1234-5678", 13812345678.0]
    )
    def test_mobile_forms(self, value):
        assert normalize_mobile(value) == "13812345678"

    @pytest.mark.parametrize("value", ["12812345678", "1381234567", "abc"])
    def test_mobile_rejected(self, value):
        with pytest.raises(ValidationError):
            normalize_mobile(value)

    def test_region_codes(self):
        assert normalize_region_code("320322") == "320322"
        assert normalize_region_code("320322106") == "320322106"
        with pytest.raises(ValidationError):
            normalize_region_code("3203")

    def test_clean_text_removes_ideographic_space(self):
        assert clean_text("张\u3000三 ") == "张三"


def test_check_character_table_agrees_with_the_weighted_sum():
    import random

    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    rng = random.Random(11643)
    for _ in range(20_000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        assert id_check_char(body) == "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    assert id_check_char("11010519491231002") == "X"
    # Other Unicode digits still go through the general rule (int() reads them), as before.
    assert id_check_char("１１０１０５１９４９１２３１００２") == "X"
    with pytest.raises(ValueError):
        id_check_char("1101051949123100")  # 16 characters
