from django.urls import path

from gefeng.orgs import views

app_name = "orgs"

urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("list/", views.node_list, name="node-list"),
]
