"""One-time submission tokens: a form that creates a record saves it once, however often it is sent.

Every creating form renders ``{% submission_token %}`` (a builtin tag: no ``{% load %}``), a hidden input
holding a signed, random token bound to the signed-in user; its view is decorated with ``@submitted_once``
(below any role or login decorator, and below ``size_limited`` for uploads). On a POST the decorator:

1. refuses with a 400 page, saving nothing, a POST whose token is missing, forged, expired or another user's;
2. answers a token already used with a redirect to where its first submission led, with the message
   "Già registrato", never running the view again;
3. otherwise claims the token (a row with a unique hash) and runs the view in the same transaction: when the
   view answers with a redirect (it saved) the row keeps that result; any other answer (the form shown again
   with its errors) or an error deletes the claim, so the token stays usable.

Two posts of the same token at the same moment: the second insert of the same hash waits on the unique index
until the first transaction ends, then either fails (the first one saved: answered with its result) or goes
through (the first one did not save). Rendering a token writes nothing; rows are kept only for tokens used,
and deleted once the token has expired (``tasks.purge_expired_submissions``, daily through Celery beat).

A view may say which record it created with ``created(request, obj)``: the row then keeps its content type and
primary key beside the redirect. No row holds personal data: user, hash, times, a content type, a pk, a URL.
"""
