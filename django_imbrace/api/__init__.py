"""The headless sign-in API: the staged sign-in and "who am I" as JSON.

Mounted by ``django_imbrace.urls`` at ``api/`` (namespace ``django_imbrace:api``). The
endpoints run the same steps as the pages (:mod:`django_imbrace.steps`): same session
state, rate limits and gateway error mapping. Authentication is Django's session
cookie; every POST needs the CSRF token in the ``X-CSRFToken`` header (``GET csrf/``
sets the cookie and returns the token). Errors are
``{"error": {"code": ..., "message": ..., "fields"?: {...}}}``; the whole contract is
the OpenAPI 3.1 document ``openapi.json`` next to this file (served at
``GET openapi.json``). Gateway outages always answer 503 JSON here, even with
``IMBRACE_RAISE_UNAVAILABLE`` (which only affects the pages).
"""
