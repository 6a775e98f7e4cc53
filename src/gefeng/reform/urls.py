from django.urls import path

from gefeng.reform import views

app_name = "reform"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan-copy"),
    path("plans/<int:pk>/export/", views.plan_export, name="plan-export"),
    path("plans/<int:pk>/units/export/", views.unit_export, name="unit-export"),
    path("plans/<int:pk>/measures/new/", views.measure_create, name="measure-create"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure-edit"),
    path("plans/<int:pk>/items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_detail, name="item-detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path("due/", views.report_due, name="report-due"),
    path("reviews/", views.review_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice-read"),
    path("board/", views.dashboard, name="dashboard"),
]
