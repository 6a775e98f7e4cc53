from django.urls import path

from gefeng.workers import union_views, views

app_name = "workers"

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("services/", views.service_list, name="service-list"),
    path("messages/", views.message_list, name="message-list"),
    path("messages/<int:pk>/read/", views.message_read, name="message-read"),
    path("me/", views.me, name="me"),
    path("me/correction/", views.correction_create, name="correction-create"),
    path("bind/", views.bind, name="bind"),
    path("join/", views.join, name="join"),
    path("transfer/", views.transfer, name="transfer"),
    path("card/", views.card, name="card"),
    path("card/issue/", views.card_issue, name="card-issue"),
    path("card/revoke/", views.card_revoke, name="card-revoke"),
    path("union/", union_views.union_requests, name="union-requests"),
    path("union/bind/<int:pk>/confirm/", union_views.bindrequest_confirm, name="bindrequest-confirm"),
    path("union/bind/<int:pk>/reject/", union_views.bindrequest_reject, name="bindrequest-reject"),
    path("union/join/<int:pk>/approve/", union_views.join_approve, name="join-approve"),
    path("union/join/<int:pk>/reject/", union_views.join_reject, name="join-reject"),
    path("union/correction/<int:pk>/apply/", union_views.correction_apply, name="correction-apply"),
    path("union/correction/<int:pk>/reject/", union_views.correction_reject, name="correction-reject"),
    path("union/transfer/<int:pk>/approve/", union_views.transfer_approve, name="transfer-approve"),
    path("union/transfer/<int:pk>/reject/", union_views.transfer_reject, name="transfer-reject"),
    path("union/transfer/claim/", union_views.transfer_claim, name="transfer-claim"),
    path("union/members/<int:pk>/transfer/", union_views.transfer_start, name="transfer-start"),
    path("union/codes/", union_views.code_sheet, name="code-sheet"),
    path("union/codes/issue/", union_views.codes_issue, name="codes-issue"),
    path("union/members/<int:pk>/", union_views.union_member, name="union-member"),
    path("union/members/<int:pk>/code/", union_views.member_code_issue, name="member-code-issue"),
    path("union/members/<int:pk>/card/revoke/", union_views.member_card_revoke, name="member-card-revoke"),
]
