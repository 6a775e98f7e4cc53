app_name = "allowances"

urlpatterns: list = []
