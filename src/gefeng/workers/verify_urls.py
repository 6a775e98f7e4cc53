from django.urls import path

from gefeng.workers import views

app_name = "verify"

urlpatterns = [path("<str:token>/", views.verify, name="card")]
