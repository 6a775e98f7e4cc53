from django.urls import path

from gefeng.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("figures/", views.figures_view, name="figures"),
    path("figures/export/", views.figures_export, name="figures-export"),
]

urlpatterns += [
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export/", views.audit_export, name="audit-export"),
]
