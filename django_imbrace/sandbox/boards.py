"""Board and item documents, shaped like the data-board service's, and the six defaults."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from .models import isoformat

Document = dict[str, Any]

#: The boards a new organization gets: (name, type, fields, a few items).
DEFAULT_BOARDS: tuple[tuple[str, str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    (
        "Contacts",
        "Contacts",
        ("Name", "Email", "Phone"),
        (
            ("Ada Lovelace", "ada@example.net", "+44 20 7946 0001"),
            ("Alan Turing", "alan@example.net", "+44 20 7946 0002"),
            ("Grace Hopper", "grace@example.net", "+1 202 555 0103"),
        ),
    ),
    (
        "Companies",
        "Companies",
        ("Name", "Website"),
        (("Initech", "https://initech.example"), ("Umbrella", "https://umbrella.example")),
    ),
    (
        "Opportunities",
        "Opportunities",
        ("Name", "Amount", "Stage"),
        (("Initech renewal", "12000", "Negotiation"), ("Umbrella pilot", "4500", "Qualified")),
    ),
    (
        "Tasks",
        "Tasks",
        ("Title", "Status"),
        (("Call Ada", "Open"), ("Send proposal", "Done"), ("Book demo", "Open")),
    ),
    ("Product", "General", ("Name", "Price"), (("Widget", "9.99"), ("Gadget", "24.50"))),
    ("Opt-out", "OptOut", ("Email",), (("noreply@example.net",),)),
)


def object_id() -> str:
    """A 24-hex-digit id like a MongoDB ObjectId."""
    return uuid.uuid4().hex[:24]


def new_board(
    organization_id: str,
    name: str,
    board_type: str,
    order: int,
    field_names: tuple[str, ...],
    now: datetime,
) -> Document:
    """A board document (``items_count`` is filled in when it is served)."""
    board_id = object_id()
    fields = []
    for field_name in field_names:
        field_id = object_id()
        fields.append({"id": field_id, "_id": field_id, "name": field_name, "type": "ShortText"})
    stamp = isoformat(now)
    return {
        "_id": board_id,
        "id": board_id,
        "organization_id": organization_id,
        "name": name,
        "description": "",
        "type": board_type,
        "order": order,
        "hidden": False,
        "fields": fields,
        "team_ids": [],
        "items_count": 0,
        "created_at": stamp,
        "updated_at": stamp,
    }


def new_item(board: Document, values: tuple[str, ...], now: datetime) -> Document:
    """An item of ``board`` with one value per field, in field order."""
    item_id = object_id()
    stamp = isoformat(now)
    pairs = list(zip(board["fields"], values, strict=False))
    return {
        "_id": item_id,
        "id": item_id,
        "board_id": board["id"],
        "organization_id": board["organization_id"],
        "fields": {f["id"]: value for f, value in pairs},
        "data": [{"key": f["id"], "value": value} for f, value in pairs],
        "created_at": stamp,
        "updated_at": stamp,
    }
