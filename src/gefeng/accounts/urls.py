from django.urls import path

from gefeng.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("me/", views.profile, name="profile"),
    path("users/", views.user_list, name="user-list"),
    path("sessions/", views.session_list, name="session-list"),
    path("login-log/", views.loginevent_list, name="loginevent-list"),
]
