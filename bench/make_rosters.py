"""Write a generated union member roster (会员花名册) — the generator lives in the package.

.venv/bin/python bench/make_rosters.py --rows 100000 --format xlsx --out /tmp/roster.xlsx
.venv/bin/python bench/make_rosters.py --rows 1000 --format csv --encoding gbk --messy --out r.csv
"""

from gefeng.members.imports.rosters import *  # noqa: F403  (the functions and constants, for scripts and tests)
from gefeng.members.imports.rosters import main

if __name__ == "__main__":
    raise SystemExit(main())
