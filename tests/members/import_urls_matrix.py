"""Who may open each roster import URL (merged into the members matrix by `urls_matrix.py`).

Object URLs point at an import job of the outsider's union (恒辉编织), made in the kwargs
function with a rejects file, so `import-rejects` has something to send to those who may see it.
"""

from __future__ import annotations

from tests.matrix import Case, ok

# members.import: the business roles that manage members; not the auditor (read-only) nor the worker.
IMPORTERS = ok("sysadmin", "county", "town", "chair", "outsider")
# Those whose members.import scope covers 恒辉编织.
IMPORTS_OUTSIDER = ok("sysadmin", "county", "outsider")
GET_POST = frozenset({"GET", "POST"})


def _job(t, p):
    import uuid
    from pathlib import Path

    from django.conf import settings

    from gefeng.core.tabular import write_rejects_xlsx
    from gefeng.members.models import ImportJob, ImportStatus

    job = ImportJob.objects.filter(union=t.henghui_union).first()
    if job is None:
        folder = Path(settings.DATA_DIR) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / f"{uuid.uuid4().hex}.xlsx"
        rejects = Path(f"{stored}.rejects.xlsx")
        write_rejects_xlsx(rejects, ["行号", "姓名"], [(["4", ""], "姓名为空。")])
        job = ImportJob.objects.create(
            actor=p["outsider"],
            union=t.henghui_union,
            filename="恒辉编织花名册.xlsx",
            stored=str(stored),
            size=1024,
            status=ImportStatus.DONE,
            rows_read=2,
            result={
                "rows": 2,
                "imported": 1,
                "updated": 0,
                "unchanged": 0,
                "rejected": 1,
                "reasons": {"姓名为空。": 1},
            },
            rejects=str(rejects),
        )
    return {"pk": job.pk}


MATRIX = {
    "members:import-list": Case(ok=IMPORTERS),
    "members:import-create": Case(ok=IMPORTERS, methods=GET_POST),
    "members:import-template": Case(ok=IMPORTERS),
    "members:import-detail": Case(ok=IMPORTS_OUTSIDER, kwargs=_job),
    "members:import-progress": Case(ok=IMPORTS_OUTSIDER, kwargs=_job),
    "members:import-rejects": Case(ok=IMPORTS_OUTSIDER, kwargs=_job),
}
