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
    path("care/", include("gefeng.care.urls")),
    path("rights/", include("gefeng.rights.urls")),
    path("skills/", include("gefeng.skills.urls")),
    path("democracy/", include("gefeng.democracy.urls")),
    path("learning/", include("gefeng.learning.urls")),
    path("accounts/", include("gefeng.accounts.urls")),
    path("w/", include("gefeng.workers.urls")),
    path("verify/", include("gefeng.workers.verify_urls")),
    path("api/", include("gefeng.api.urls")),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

# Under /api/v1/ these answer JSON (gefeng.api.errors); elsewhere the HTML pages of core.views.
handler400 = "gefeng.api.errors.handler400"
handler403 = "gefeng.api.errors.handler403"
handler404 = "gefeng.api.errors.handler404"
handler500 = "gefeng.api.errors.handler500"
