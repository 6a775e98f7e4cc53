"""Pages of the training courses: list with the year's totals, create, the course with its
trainees, sessions, sign-in (sheet or QR) and completion."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import actions, scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.types import AuthedRequest
from gefeng.skills import selectors, services
from gefeng.skills.forms import CourseForm, EnrolForm, SessionForm, UploadForm
from gefeng.skills.models import Course, Enrolment, Group, Session
from gefeng.skills.views._common import officials, pk_of, with_upload

MANAGE = services.MANAGE


@require_GET
@login_required
def course_list(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    year = pk_of(request.GET.get("year")) or dt.date.today().year
    page = paginate(request, selectors.courses(user, year=year))
    totals = selectors.course_totals(user, year=year)
    groups = [(label, totals["by_group"].get(code, 0)) for code, label in Group.choices]
    return render(
        request,
        "skills/course_list.html",
        {"page": page, "year": year, "totals": totals, "groups": groups, "root": selectors.manage_root(user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def course_create(request: AuthedRequest) -> HttpResponse:
    user = officials(request.user)
    root = selectors.manage_root(user)
    if root is None:
        raise Http404
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=user, org=root, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已新建培训班。")
            return redirect("skills:course-detail", pk=course.pk)
    return render(
        request, "skills/form.html", {"form": form, "title": "新建培训班", "back": reverse("skills:course-list")}
    )


def _course(user: Any, pk: int, perm: str | None = None) -> Course:
    return scope.get_or_404(user, Course.objects.select_related("org", "host"), perm, pk=pk)


@require_GET
@login_required
def course_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    course = _course(user, pk)
    page = paginate(request, selectors.trainees(user, course))
    return render(
        request,
        "skills/course_detail.html",
        {
            "c": course,
            "page": page,
            "can_manage": scope.can(user, course, MANAGE),
            "sessions": list(course.sessions.all()[:200]),
            "enrol_form": EnrolForm(),
            "session_form": SessionForm(),
            "upload_form": UploadForm(),
            "needed": services.attendance_needed(course),
        },
    )


def _act(request: AuthedRequest, pk: int, do: Any, done: str) -> HttpResponse:
    user = officials(request.user)
    course = _course(user, pk, MANAGE)
    return actions.act(
        request, lambda: do(user, course), done=done, back=reverse("skills:course-detail", args=[course.pk])
    )


@require_POST
@login_required
def course_enrol(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda u, c: services.enrol(
            actor=u, course=c, group=p.get("group", ""), name=p.get("name", ""), id_number=p.get("id_number", "")
        ),
        "已报名。",
    )


@require_POST
@login_required
def session_add(request: AuthedRequest, pk: int) -> HttpResponse:
    p = request.POST
    return _act(
        request,
        pk,
        lambda u, c: services.session_add(actor=u, course=c, on=p.get("on"), topic=p.get("topic")),
        "已新增课次。",
    )


def _session(user: Any, pk: int) -> Session:
    session = scope.get_or_404(user, Session.objects.select_related("course"), None, pk=pk)
    scope.require(user, session.course, MANAGE)
    return session


@require_POST
@login_required
def attendance_import(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    session = _session(user, pk)

    def do() -> Any:
        return with_upload(
            request.FILES.get("file"),
            lambda path, name: services.attendance_import(actor=user, session=session, path=path, filename=name),
        )

    return actions.act(
        request, do, done="签到表已导入。", back=reverse("skills:course-detail", args=[session.course_id])
    )


@require_POST
@login_required
def attendance_mark(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    session = _session(user, pk)
    ids = [i for i in (pk_of(v) for v in request.POST.getlist("enrolment")[:500]) if i]
    rows = list(scope.visible(user, Enrolment).filter(course=session.course, pk__in=ids))
    return actions.act(
        request,
        lambda: services.attendance_mark(actor=user, session=session, enrolments=rows),
        done="已登记签到。",
        back=reverse("skills:course-detail", args=[session.course_id]),
    )


@require_GET
@login_required
def session_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    """The QR code shown in class: trainees scan it on their phones to sign in."""
    import segno

    user = officials(request.user)
    session = _session(user, pk)
    url = request.build_absolute_uri(reverse("skills:w-sign", args=[services.sign_token(session)]))
    svg = segno.make(url, error="m").svg_inline(scale=8)
    return render(request, "skills/session_qr.html", {"s": session, "svg": svg, "url": url})


@require_POST
@login_required
def course_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    def done(result: dict[str, int]) -> str:
        return f"已结业 {result['completed']} 人，未达到出勤要求 {result['dropped']} 人。"

    user = officials(request.user)
    course = _course(user, pk, MANAGE)
    return actions.act(
        request,
        lambda: services.course_complete(actor=user, course=course),
        done=done,
        back=reverse("skills:course-detail", args=[course.pk]),
    )


@require_POST
@login_required
def placement(request: AuthedRequest, pk: int) -> HttpResponse:
    user = officials(request.user)
    enrolment = scope.get_or_404(user, Enrolment.objects.select_related("course"), None, pk=pk)
    scope.require(user, enrolment.course, MANAGE)
    text = request.POST.get("placement", "")
    return actions.act(
        request,
        lambda: services.placement_record(actor=user, enrolment=enrolment, placement=text),
        done="已登记就业去向。",
        back=reverse("skills:course-detail", args=[enrolment.course_id]),
    )
