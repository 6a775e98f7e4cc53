from django.urls import path

from gefeng.allowances import views

app_name = "allowances"

urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("new/", views.run_create, name="run-create"),
    path("<int:pk>/", views.run_detail, name="run-detail"),
    path("<int:pk>/rebuild/", views.run_rebuild, name="run-rebuild"),
    path("<int:pk>/submit/", views.run_submit, name="run-submit"),
    path("<int:pk>/approve/", views.run_approve, name="run-approve"),
    path("<int:pk>/return/", views.run_return, name="run-return"),
    path("<int:pk>/cancel/", views.run_cancel, name="run-cancel"),
    path("<int:pk>/paid/", views.run_paid, name="run-paid"),
    path("<int:pk>/export/", views.run_export, name="run-export"),
    path("<int:pk>/report/", views.run_report, name="run-report"),
    path("kinds/", views.kind_list, name="kind-list"),
    path("kinds/new/", views.kind_create, name="kind-create"),
    path("kinds/<int:pk>/edit/", views.kind_edit, name="kind-edit"),
    path("kinds/<int:kind_pk>/rules/new/", views.rule_create, name="rule-create"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
]
