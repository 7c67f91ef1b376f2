# What the type checker reads as pm_app.extensions.db (see there). mypy cannot take `db.Model`, an
# attribute of an object, as a base class; as a module attribute naming the typed declarative
# Base it can, and every model is then checked as the SQLAlchemy 2 class it is.
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from pm_app.extensions import Base

_T = TypeVar("_T")

Model = Base
session: scoped_session[Session]
engine: Engine
engines: Mapping[str | None, Engine]
metadata: MetaData

def get_or_404(entity: type[_T], ident: Any, *, description: str | None = None) -> _T: ...
def __getattr__(name: str) -> Any: ...
