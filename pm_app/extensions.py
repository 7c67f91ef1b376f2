"""Unbound extension objects; create_app binds them. Nothing here connects anywhere."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from pm_app.common.api import Api
from pm_app.common.i18n import RequestBabel
from pm_app.common.redis_client import RedisClient

# Named constraints so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


if TYPE_CHECKING:
    # The type checker reads db from a stub whose Model is Base itself (pm_app/_typed_db.pyi).
    from pm_app import _typed_db as db
else:
    db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = RequestBabel()
api = Api()
# Limits are declared where they apply (the public report form); storage comes from the config
# (Redis when there is one, so every worker counts together; memory otherwise).
limiter = Limiter(key_func=get_remote_address)
# Connected on first use, and only when REDIS_URL is set (pm_app/common/redis_client.py).
redis_client = RedisClient()
