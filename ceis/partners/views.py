from django.shortcuts import render


def body_list(request):
    return render(request, "base.html")
