from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def tree(request):
    return HttpResponse("tree")


@login_required
def node_list(request):
    return HttpResponse("list")
