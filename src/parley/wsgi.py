"""WSGI entry point for gunicorn: ``gunicorn parley.wsgi``.

The listing pages' counts requests are answered in front of Django (``CountsLane``); every
other request, and every counts request that is not plain, goes to Django as usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
django_application = get_wsgi_application()

from parley.comments.counts_lane import CountsLane  # noqa: E402 - needs Django set up

application = CountsLane(django_application)
