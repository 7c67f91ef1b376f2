"""marshmallow's own refusals ("Not a valid integer.") in the reader's language. marshmallow has
no catalogue of its own (WTForms has: Flask-WTF's I18N puts its messages in Chinese), so a page
refused by an input schema showed "ticket_id: Not a valid integer." in English. Its default
messages are looked up in ours here; a message a schema wrote itself is already translated and
passes through unchanged."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FIXED = {
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("This field may not be empty."),
    "Unknown field.": _l("Unknown field."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid input."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid email address.": _l("Not a valid email address."),
    "String does not match expected pattern.": _l("Not in the expected form."),
}
PATTERNS = [
    (re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."),
     lambda m: _("Must be between %(min)s and %(max)s.", min=m[1], max=m[2])),
    (re.compile(r"Must be greater than or equal to (\S+)\."), lambda m: _("Must be at least %(min)s.", min=m[1])),
    (re.compile(r"Must be less than or equal to (\S+)\."), lambda m: _("Must be at most %(max)s.", max=m[1])),
    (re.compile(r"Longer than maximum length ([0-9]+)\."), lambda m: _("At most %(max)s characters.", max=m[1])),
    (re.compile(r"Shorter than minimum length ([0-9]+)\."), lambda m: _("At least %(min)s characters.", min=m[1])),
    (re.compile(r"Length must be between ([0-9]+) and ([0-9]+)\."),
     lambda m: _("Between %(min)s and %(max)s characters.", min=m[1], max=m[2])),
    (re.compile(r"Must be one of: (.*)\."), lambda m: _("Must be one of: %(choices)s.", choices=m[1])),
]


def translated(messages):
    """The same nesting (field → problems, or deeper for lists and nested schemas), each of
    marshmallow's defaults in the request's language."""
    if isinstance(messages, dict):
        return {key: translated(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translated(value) for value in messages]
    if isinstance(messages, str):
        if messages in FIXED:
            return str(FIXED[messages])
        for pattern, say in PATTERNS:
            match = pattern.fullmatch(messages)
            if match:
                return say(match)
    return messages
