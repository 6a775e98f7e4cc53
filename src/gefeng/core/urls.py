from django.urls import path

from gefeng.core import audit_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("figures/", views.figures_view, name="figures"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("figures/export/", views.figures_export, name="figures-export"),
]

urlpatterns += [
    path("audit/", audit_views.audit_list, name="audit-list"),
    path("audit/export/", audit_views.audit_export, name="audit-export"),
]
