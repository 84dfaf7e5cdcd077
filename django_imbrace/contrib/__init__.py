"""Optional integrations. Each module imports its framework; this package imports none.

* :mod:`django_imbrace.contrib.drf`: Django REST framework (``django-imbrace[drf]``).
"""
