"""The local numbers of 维权, each a `GEFENG_RIGHTS_*` setting (or a Django setting of the same
name without the prefix, which tests override). Statutory numbers are not here: they live in
`rights.clocks` and cannot be changed by a setting."""

from __future__ import annotations

from django.conf import settings

from gefeng.env import env_int

_DEFAULTS = {
    # The monthly minimum wage that applies in the county (元), set by the province's yearly notice
    # (江苏省最低工资标准; 沛县's class). Used for the §47 final-award threshold (12 months of it).
    "RIGHTS_MINIMUM_WAGE_MONTHLY": env_int("GEFENG_RIGHTS_MINIMUM_WAGE_MONTHLY", 1840, minimum=1),
    # Days a 要约 campaign target may stay at "要约已发出" before the town is reminded (county practice).
    "RIGHTS_CAMPAIGN_REMIND_DAYS": env_int("GEFENG_RIGHTS_CAMPAIGN_REMIND_DAYS", 30, minimum=1),
    # Days after a contract takes effect within which it is published to staff (some local rules: 10).
    "RIGHTS_PUBLISH_DAYS": env_int("GEFENG_RIGHTS_PUBLISH_DAYS", 10, minimum=1),
    # Contracts shown as "即将到期" this many days before expiry (the renewal window itself is §38).
    "RIGHTS_EXPIRY_NOTICE_DAYS": env_int("GEFENG_RIGHTS_EXPIRY_NOTICE_DAYS", 90, minimum=1),
}


def get(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))
