"""Pages of the organisation tree (组织架构). Reads go through selectors, writes through services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gefeng.core import scope
from gefeng.core.forms import add_service_errors
from gefeng.core.pagination import paginate
from gefeng.core.pii import mask_phone
from gefeng.core.types import AuthedRequest
from gefeng.orgs import selectors, services
from gefeng.orgs.forms import CloseForm, MoveForm, NodeCreateForm, NodeEditForm, NodeFilterForm
from gefeng.orgs.models import ALLOWED_CHILDREN, OrgNode

CHILDREN_PAGE = 200  # children loaded per request in the tree
DETAIL_CHILDREN = 50  # children listed on the detail page
MAX_OFFSET = 10_000_000


def _int_param(request: HttpRequest, name: str, default: int = 0, *, maximum: int = MAX_OFFSET) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return max(0, min(value, maximum))


# ---------------------------------------------------------------- tree


@require_GET
@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "orgs.view")
    roots = selectors.mark_has_children(request.user, selectors.roots_for(request.user))
    # The first level under a single top node is shown open; everything deeper loads on demand.
    opened: dict[int, tuple[list[OrgNode], bool]] = {}
    if len(roots) == 1 and roots[0].has_children:  # type: ignore[attr-defined]
        opened[roots[0].pk] = selectors.children(request.user, roots[0], limit=CHILDREN_PAGE)
    items = [{"node": r, "children": opened.get(r.pk)} for r in roots]
    return render(request, "orgs/tree.html", {"items": items, "page_size": CHILDREN_PAGE})


@require_GET
@login_required
def node_children(request: AuthedRequest, pk: int) -> HttpResponse:
    scope.require_perm(request.user, "orgs.view")
    node = scope.get_or_404(request.user, OrgNode, pk=pk)
    offset = _int_param(request, "offset")
    rows, has_more = selectors.children(request.user, node, offset=offset, limit=CHILDREN_PAGE)
    return render(
        request,
        "orgs/_children.html",
        {"parent": node, "rows": rows, "has_more": has_more, "next_offset": offset + len(rows)},
    )


@require_GET
@login_required
def node_search(request: AuthedRequest) -> HttpResponse:
    """Search by name, short name or code within the user's scope.

    With `move=<pk>` it lists the nodes that node may be moved under, as choices for the move form.
    """
    scope.require_perm(request.user, "orgs.view")
    term = request.GET.get("q", "")[:100].strip()
    moving = None
    move_pk = _int_param(request, "move", 0, maximum=2**62)
    if move_pk:
        moving = scope.get_or_404(request.user, OrgNode, "orgs.change", pk=move_pk)
        results = selectors.move_targets(request.user, moving, term)
    else:
        results = selectors.search_nodes(request.user, term, limit=20)
    context = {"q": term, "results": results, "moving": moving}
    if moving is not None:
        return render(request, "orgs/_move_targets.html", context)
    if request.htmx:
        return render(request, "orgs/_search_results.html", context)
    return render(request, "orgs/node_search.html", context)


# ---------------------------------------------------------------- list


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {k: v for k, v in (params | changes).items() if v not in (None, "")}
    return "?" + urlencode(merged)


@require_GET
@login_required
def node_list(request: AuthedRequest) -> HttpResponse:
    scope.require_perm(request.user, "orgs.view")
    values = NodeFilterForm(request.GET).values()
    filters = selectors.NodeFilters(**values)
    page = paginate(request, selectors.node_list(request.user, filters))
    under = None
    if filters.under:
        under = selectors.visible_nodes(request.user).filter(pk=filters.under).first()
    current = {k: v for k, v in values.items() if v not in (None, "")}
    if values["sort"] == "path":
        current.pop("sort", None)
    size = request.GET.get("size")
    if size:
        current["size"] = size
    sort_links = {}
    for column, (asc, desc) in {
        "name": ("name", "-name"),
        "code": ("code", "code"),
        "employees": ("-employees", "employees"),
    }.items():
        target = desc if values["sort"] == asc else asc
        sort_links[column] = {
            "url": _query(current, sort=target),
            "active": values["sort"] in (asc, desc),
            "desc": values["sort"].startswith("-"),
        }
    return render(
        request,
        "orgs/node_list.html",
        {
            "form": NodeFilterForm(initial=values),
            "page": page,
            "under": under,
            "filtered": any(values[k] for k in ("q", "kind", "industry", "ownership", "status", "under")),
            "sort_links": sort_links,
            "without_under": _query(current, under=None),
        },
    )


# ---------------------------------------------------------------- detail


def _detail_context(request: HttpRequest, node: OrgNode, *, phone: str | None = None) -> dict[str, Any]:
    user = request.user
    rows, has_more = selectors.children(user, node, limit=DETAIL_CHILDREN)
    can_change = scope.can(user, node, "orgs.change")
    return {
        "node": node,
        "ancestors": selectors.visible_ancestors(user, node),
        "children": rows,
        "children_more": has_more,
        "can_change": can_change,
        "can_add_child": can_change and bool(ALLOWED_CHILDREN[node.kind]) and not node.is_closed,
        "phone_masked": mask_phone(node.contact_phone or ""),
        "phone": phone,
        "revealed": phone is not None,
    }


@require_GET
@login_required
def node_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    node = scope.get_or_404(request.user, OrgNode, pk=pk)
    return render(request, "orgs/node_detail.html", _detail_context(request, node))


@require_POST
@login_required
def node_reveal_phone(request: AuthedRequest, pk: int) -> HttpResponse:
    node = scope.get_or_404(request.user, OrgNode, "orgs.change", pk=pk)
    phone = services.orgnode_reveal_phone(actor=request.user, node=node)
    if request.htmx:
        return render(request, "orgs/_phone.html", {"node": node, "phone": phone, "revealed": True})
    return render(request, "orgs/node_detail.html", _detail_context(request, node, phone=phone))


# ---------------------------------------------------------------- writes


@require_http_methods(["GET", "POST"])
@login_required
def node_create(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = scope.get_or_404(request.user, OrgNode, "orgs.change", pk=pk)
    form = NodeCreateForm(request.POST if request.method == "POST" else None, parent=parent)
    if request.method == "POST" and ALLOWED_CHILDREN[parent.kind] and form.is_valid():
        data = form.service_data()
        try:
            node = services.orgnode_create(actor=request.user, parent=parent, kind=form.cleaned_data["kind"], **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已新建组织“%(name)s”。") % {"name": node.name})
            return redirect("orgs:node-detail", pk=node.pk)
    return render(
        request,
        "orgs/node_create.html",
        {
            "form": form,
            "parent": parent,
            "ancestors": selectors.visible_ancestors(request.user, parent),
            "allowed": bool(ALLOWED_CHILDREN[parent.kind]),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def node_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    node = scope.get_or_404(request.user, OrgNode, "orgs.change", pk=pk)
    form = NodeEditForm(request.POST if request.method == "POST" else None, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            services.orgnode_update(actor=request.user, node=node, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("orgs:node-detail", pk=node.pk)
    return render(
        request,
        "orgs/node_edit.html",
        {
            "form": form,
            "node": node,
            "ancestors": selectors.visible_ancestors(request.user, node),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def node_move(request: AuthedRequest, pk: int) -> HttpResponse:
    node = scope.get_or_404(request.user, OrgNode, "orgs.change", pk=pk)
    form = MoveForm(request.POST if request.method == "POST" else None, node=node)
    if request.method == "POST" and form.is_valid():
        new_parent = scope.get_or_404(request.user, OrgNode, "orgs.change", pk=form.cleaned_data["new_parent"])
        try:
            moved = services.orgnode_move(actor=request.user, node=node, new_parent=new_parent)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已将“%(name)s”移到“%(parent)s”之下。") % {"name": moved.name, "parent": new_parent.name},
            )
            return redirect("orgs:node-detail", pk=moved.pk)
    term = form["q"].value() or ""
    ancestors = selectors.visible_ancestors(request.user, node)
    return render(
        request,
        "orgs/node_move.html",
        {
            "form": form,
            "node": node,
            "ancestors": ancestors,
            "current_parent": ancestors[-1] if ancestors and ancestors[-1].pk == node.parent_id else None,
            "results": selectors.move_targets(request.user, node, str(term)) if term else [],
            "q": term,
            "selected": form["new_parent"].value(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def node_close(request: AuthedRequest, pk: int) -> HttpResponse:
    node = scope.get_or_404(request.user, OrgNode, "orgs.change", pk=pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.orgnode_close(
                actor=request.user, node=node, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已将“%(name)s”标记为撤销。") % {"name": node.name})
            return redirect("orgs:node-detail", pk=node.pk)
    return render(
        request,
        "orgs/node_close.html",
        {
            "form": form,
            "node": node,
            "ancestors": selectors.visible_ancestors(request.user, node),
        },
    )
