from django.urls import path

from gefeng.orgs import views

app_name = "orgs"

urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("list/", views.node_list, name="node-list"),
    path("search/", views.node_search, name="node-search"),
    path("<int:pk>/", views.node_detail, name="node-detail"),
    path("<int:pk>/children/", views.node_children, name="node-children"),
    path("<int:pk>/children/new/", views.node_create, name="node-create"),
    path("<int:pk>/edit/", views.node_edit, name="node-edit"),
    path("<int:pk>/move/", views.node_move, name="node-move"),
    path("<int:pk>/close/", views.node_close, name="node-close"),
    path("<int:pk>/reveal-phone/", views.node_reveal_phone, name="node-reveal-phone"),
]
