"""Request values no database can store, taken out before any view sees them.

PostgreSQL refuses a NUL byte in a string ("A string literal cannot contain NUL"), so ``?q=%00`` or a form field
holding one would end in a 500. Nobody types a NUL: it is removed from every GET and POST name and value.
"""

from __future__ import annotations

from django.http import QueryDict


def _without_nul(values: QueryDict) -> QueryDict:
    if not any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists()):
        return values
    clean = QueryDict(mutable=True, encoding=values.encoding)
    for key, vs in values.lists():
        clean.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in vs])
    clean._mutable = False
    return clean


class StripNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Multipart posts are left alone: reading them here would fix the upload handlers before the views that
        # set their own (size limits) run; their text fields pass through forms, which refuse a NUL anyway.
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            request.POST = _without_nul(request.POST)
        return None
