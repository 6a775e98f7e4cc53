from django.urls import include, path

from gefeng.api.api import api
from gefeng.core import views as core_views

urlpatterns = [
    path("", include("gefeng.core.urls")),
    path("orgs/", include("gefeng.orgs.urls")),
    path("members/", include("gefeng.members.urls")),
    path("reform/", include("gefeng.reform.urls")),
    path("supervision/", include("gefeng.supervision.urls")),
    path("honours/", include("gefeng.honours.urls")),
    path("talent/", include("gefeng.talent.urls")),
    path("allowances/", include("gefeng.allowances.urls")),
    path("accounts/", include("gefeng.accounts.urls")),
    path("api/", include("gefeng.api.urls")),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "gefeng.core.views.error_400"
handler403 = "gefeng.core.views.error_403"
handler404 = "gefeng.core.views.error_404"
handler500 = "gefeng.core.views.error_500"
