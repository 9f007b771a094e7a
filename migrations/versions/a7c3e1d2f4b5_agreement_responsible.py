"""agreements: who is responsible, and when the agreement was recorded

Revision ID: a7c3e1d2f4b5
Revises: f16d1bde1370
Create Date: 2026-11-23 14:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e1d2f4b5"
down_revision = "f16d1bde1370"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agreement") as batch_op:
        batch_op.add_column(sa.Column("responsible", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("agreement") as batch_op:
        batch_op.drop_column("created_at")
        batch_op.drop_column("responsible")
