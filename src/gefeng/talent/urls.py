from django.urls import path

from gefeng.talent import views

app_name = "talent"

urlpatterns = [
    path("", views.profile_list, name="profile-list"),
    path("export/", views.profile_export, name="profile-export"),
    path("stats/", views.profile_stats, name="profile-stats"),
    path("new/", views.profile_create, name="profile-create"),
    path("sync/", views.profile_sync, name="profile-sync"),
    path("categories/", views.category_list, name="category-list"),
    path("categories/new/", views.category_create, name="category-create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("<int:pk>/", views.profile_detail, name="profile-detail"),
    path("<int:pk>/edit/", views.profile_edit, name="profile-edit"),
    path("<int:pk>/bank/", views.profile_bank, name="profile-bank"),
    path("<int:pk>/reveal/", views.profile_reveal, name="profile-reveal"),
]
