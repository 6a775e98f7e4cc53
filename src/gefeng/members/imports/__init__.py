"""The roster import (会员导入), one package: `views`, `preview` and `template` (the pages),
`forms`, `urls` (included by `members/urls.py`), `pipeline` (stage and apply, with `vocabulary`,
`rows` and `staging`), `tasks` (the background job) and `rosters` (roster files for the demo and
the benchmarks). The columns themselves are in `members/columns.py`.

Imports run one way at module level: `members.services` → `imports.vocabulary`; `imports.tasks`
and `imports.pipeline` → `members.services`. The service that queues a job reaches `tasks` from
inside the function, so no cycle exists (tests/members/test_import_graph.py).
"""
