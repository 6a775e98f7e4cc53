"""URLs of the roster import pages, in the `members` namespace.

Included by `members/urls.py` (`urlpatterns += import_urls.urlpatterns`), so the names are
`members:import-list`, `members:import-create`, … and the paths start with `import/`.
"""

from django.urls import path

from gefeng.members.imports import views as import_views

urlpatterns = [
    path("import/", import_views.import_list, name="import-list"),
    path("import/new/", import_views.import_create, name="import-create"),
    path("import/template/", import_views.import_template, name="import-template"),
    path("import/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import-progress"),
    path("import/<int:pk>/rejects/", import_views.import_rejects, name="import-rejects"),
]
