import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings")
application = get_wsgi_application()

from ceis.startup import require_secrets, warm_up  # noqa: E402  (settings are loaded now)

require_secrets()
warm_up()
