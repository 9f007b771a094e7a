"""an organisation's own accounting period, from the register of filed accounts

Revision ID: c3d5e7f9a1b2
Revises: b2c4d6e8f0a1
Create Date: 2026-12-07 09:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c3d5e7f9a1b2"
down_revision = "b2c4d6e8f0a1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("accounts_filing") as batch:
        batch.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("period_end", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("accounts_filing") as batch:
        batch.drop_column("period_end")
        batch.drop_column("period_start")
