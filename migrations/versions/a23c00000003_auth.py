"""sign-in limits and password policy (issue 23)

Revision ID: a23c00000003
Revises: a23b00000002
Create Date: 2026-12-06

No schema change: sign-in failures are counted in flask-limiter's store and the session
generation already existed. The step stays so the chain of issue 23's revisions keeps its ids.
"""

revision = "a23c00000003"
down_revision = "a23b00000002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
