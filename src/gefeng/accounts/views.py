from django.http import HttpResponse


def login_view(request):
    return HttpResponse("login")


logout_view = password_change = profile = user_list = session_list = loginevent_list = login_view
