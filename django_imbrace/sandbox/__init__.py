"""A faithful local Imbrace gateway for tests, demos and development (stdlib only).

>>> from django_imbrace.sandbox import SandboxGateway, Fault
>>> with SandboxGateway(seed="demo") as gw:  # doctest: +SKIP
...     client = ImbraceClient(gateway=gw.url, api_key=gw.api_keys(gw.organizations[0].id)[0])

Run it by hand with ``python -m django_imbrace.sandbox`` or
``python manage.py imbrace_sandbox``. The routes and bodies follow the gateway
contract; ``/__sandbox__/*`` offers HTTP controls (see :mod:`.control`).
"""

from .clock import SandboxClock
from .faults import Fault
from .gateway import SandboxGateway
from .models import OutboxMessage, SandboxOrganization, SandboxUser
from .seed import DEMO_USERS, SEEDS
from .stats import ROUTE_NAMES, CredentialUse, SandboxStats

__all__ = [
    "DEMO_USERS",
    "ROUTE_NAMES",
    "SEEDS",
    "CredentialUse",
    "Fault",
    "OutboxMessage",
    "SandboxClock",
    "SandboxGateway",
    "SandboxOrganization",
    "SandboxStats",
    "SandboxUser",
]
