"""Who may open each members URL. Object URLs point at a member of the outsider's union (恒辉编织)."""

from __future__ import annotations

import datetime as dt

from gefeng.core.actors import SYSTEM
from tests.matrix import SEES_OUTSIDER, Case, ok

# Everyone holding members.view (the worker through the 本人 scope; liaison and security not at all).
MEMBER_VIEWERS = ok("sysadmin", "county", "town", "chair", "outsider", "auditor", "worker")
# members.change anywhere (the auditor and the worker are read-only).
MEMBER_CHANGERS = ok("sysadmin", "county", "town", "chair", "outsider")
# members.export is held by the same roles as members.change.
MEMBER_EXPORTERS = MEMBER_CHANGERS
# 建会入会 needs members.view and orgs.view: the worker has no orgs.view.
COVERAGE = MEMBER_VIEWERS - {"worker"}
# Personas whose scope covers 恒辉 with members.change (and members.reveal).
CHANGES_OUTSIDER = SEES_OUTSIDER - {"auditor"}
GET_POST = frozenset({"GET", "POST"})
# A valid ID number (GB 11643 check digit) for the outsider's member.
OUTSIDER_ID = "320322199003070013"


def _member(t, p):
    from gefeng.members import services
    from gefeng.members.models import Member

    member = Member.objects.filter(union=t.henghui_union).first()
    if member is None:
        member = services.member_join(
            actor=SYSTEM,
            union=t.henghui_union,
            data={
                "name": "王恒辉",
                "id_number": OUTSIDER_ID,
                "phone": "13900001111",
                "joined_on": dt.date(2020, 5, 1),
            },
        )
    return {"pk": member.pk}


def _join_outsider(t, p):
    """A complete 入会 form for a union of the outsider's."""
    return {
        "union": t.henghui_union.pk,
        "name": "外单位新会员",
        "id_number": "320322199105050013",
        "joined_on": "2021-03-01",
        "job_category": "一线工人",
        "political_status": "群众",
        "education": "高中",
    }


def _export_job(t, p):
    """A finished export of the outsider's (owner-only: everyone else gets 404)."""
    from gefeng.members.models import ExportJob, ExportStatus
    from gefeng.members.services import export_jobs

    job = ExportJob.objects.filter(actor=p["outsider"]).first()
    if job is None:
        job = ExportJob.objects.create(actor=p["outsider"], format="csv", filename="会员名册.csv")
        path = export_jobs.path_for(job)
        path.write_text("\ufeff姓名\r\n", encoding="utf-8")
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, stored=str(path), rows_written=0)
    return {"pk": job.pk}


def _reveal(t, p):
    return _member(t, p) | {"field": "id_number"}


MATRIX = {
    "members:member-list": Case(ok=MEMBER_VIEWERS),
    "members:member-export": Case(ok=MEMBER_EXPORTERS),
    "members:export-job": Case(ok=ok("outsider"), kwargs=_export_job),
    "members:export-job-progress": Case(ok=ok("outsider"), kwargs=_export_job),
    "members:export-job-download": Case(ok=ok("outsider"), kwargs=_export_job),
    "members:member-create": Case(ok=MEMBER_CHANGERS, methods=GET_POST, foreign=_join_outsider),
    "members:org-search": Case(ok=COVERAGE),
    "members:union-search": Case(ok=MEMBER_CHANGERS),
    "members:coverage": Case(ok=COVERAGE),
    "members:coverage-gap-export": Case(ok=COVERAGE),
    "members:member-detail": Case(ok=SEES_OUTSIDER, kwargs=_member),
    "members:member-edit": Case(ok=CHANGES_OUTSIDER, kwargs=_member, methods=GET_POST),
    "members:member-transfer": Case(ok=CHANGES_OUTSIDER, kwargs=_member, methods=GET_POST),
    "members:member-retain": Case(ok=CHANGES_OUTSIDER, kwargs=_member, methods=GET_POST),
    "members:member-leave": Case(ok=CHANGES_OUTSIDER, kwargs=_member, methods=GET_POST),
    "members:member-reveal": Case(ok=CHANGES_OUTSIDER, kwargs=_reveal, methods=frozenset({"POST"})),
}
