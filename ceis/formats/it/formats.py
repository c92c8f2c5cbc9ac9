"""Italian date formats as Italian writes them: "5 dicembre 2026", "sabato 5 dicembre 2026 14:30", "novembre 2026".

Django's own Italian formats pad the day ("05 Dicembre 2006") and its catalogue capitalises the names of
months and weekdays; the names are made lower-case in our catalogue (``ceis/formats/it/names.py``).
Everything not set here is Django's (``django/conf/locale/it/formats.py``).
"""

from django.conf.locale.it.formats import *  # noqa: F403  (the input formats and separators stay Django's)

DATE_FORMAT = "j F Y"  # 5 dicembre 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 5 dicembre 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # novembre 2026
MONTH_DAY_FORMAT = "j F"  # 5 dicembre
SHORT_DATE_FORMAT = "d/m/Y"  # 05/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 05/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # lunedì
