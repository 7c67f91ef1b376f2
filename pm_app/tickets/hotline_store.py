"""The uploaded 12345 file, kept on the server between the upload and the review of its unmatched
orders, so the person assigning them never picks the file again. Keyed by a random token and
bound to the user who uploaded it; files older than KEEP are removed at the next upload."""

from __future__ import annotations

import io
import re
import secrets
import time
from pathlib import Path

from flask import current_app

KEEP = 24 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}", re.ASCII)


def _folder() -> Path:
    folder = Path(current_app.config["INSTANCE_DIR"]) / "hotline-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(user_id: int, stream) -> str:
    """Store the upload; the token that names it."""
    folder = _folder()
    cutoff = time.time() - KEEP
    for old in folder.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    with open(folder / f"{user_id}-{token}.upload", "wb") as out:
        while chunk := stream.read(64 * 1024):
            out.write(chunk)
    return token


def load(user_id: int, token: str | None) -> io.BytesIO | None:
    """The stored file of this user under this token, or None (unknown, foreign, or expired)."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    path = _folder() / f"{user_id}-{token}.upload"
    if not path.exists() or path.stat().st_mtime < time.time() - KEEP:
        return None
    return io.BytesIO(path.read_bytes())


def forget(user_id: int, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        (_folder() / f"{user_id}-{token}.upload").unlink(missing_ok=True)
