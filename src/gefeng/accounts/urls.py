from django.urls import path

from gefeng.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.login_totp, name="login-totp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("me/", views.profile, name="profile"),
    path("me/totp/", views.totp_setup, name="totp-setup"),
    path("me/totp/disable/", views.totp_disable, name="totp-disable"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/roles/", views.user_roles, name="user-roles"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user-reset-password"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/totp-reset/", views.user_totp_reset, name="user-totp-reset"),
    path("grants/", views.grant_list, name="grant-list"),
    path("grants/<int:pk>/confirm/", views.grant_confirm, name="grant-confirm"),
    path("grants/<int:pk>/reject/", views.grant_reject, name="grant-reject"),
    path("sessions/", views.session_list, name="session-list"),
    path("sessions/<int:pk>/end/", views.session_end, name="session-end"),
    path("login-log/", views.loginevent_list, name="loginevent-list"),
    path("login-log/unlock-address/", views.address_unlock, name="address-unlock"),
]
