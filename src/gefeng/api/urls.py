from django.urls import path

from gefeng.api import views
from gefeng.api.api import api

app_name = "apitokens"

urlpatterns = [
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]

api_urls = api.urls
