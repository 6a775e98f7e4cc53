from django.urls import path

from gefeng.members import views
from gefeng.members.imports import urls as import_urls

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="member-list"),
    path("export/", views.member_export, name="member-export"),
    path("export/<int:pk>/", views.export_job, name="export-job"),
    path("export/<int:pk>/progress/", views.export_job_progress, name="export-job-progress"),
    path("export/<int:pk>/download/", views.export_job_download, name="export-job-download"),
    path("new/", views.member_create, name="member-create"),
    path("orgs/", views.org_search, name="org-search"),
    path("unions/", views.union_search, name="union-search"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/gap-export/", views.coverage_gap_export, name="coverage-gap-export"),
    path("<int:pk>/", views.member_detail, name="member-detail"),
    path("<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("<int:pk>/transfer/", views.member_transfer, name="member-transfer"),
    path("<int:pk>/retain/", views.member_retain, name="member-retain"),
    path("<int:pk>/leave/", views.member_leave, name="member-leave"),
    path("<int:pk>/reveal/<str:field>/", views.member_reveal, name="member-reveal"),
]

urlpatterns += import_urls.urlpatterns
