"""bounds and normalised keys for the input discipline (issue 23)

Revision ID: a23a00000001
Revises: d6b3f9a2c007
Create Date: 2026-12-06

No schema change: the input discipline (pm_app/common/inputs.py) refuses bad values before they
reach a column. The step stays so the chain of issue 23's revisions keeps its ids.
"""

revision = "a23a00000001"
down_revision = "d6b3f9a2c007"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
