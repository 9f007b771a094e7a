"""the day a key figure was counted on (the vacancies' Opgørelsestidspunkt)

Revision ID: b2c4d6e8f0a1
Revises: a1b3c5d7e9f2
Create Date: 2026-12-07 09:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b2c4d6e8f0a1"
down_revision = "a1b3c5d7e9f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("key_figure_value") as batch:
        batch.add_column(sa.Column("measured_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("key_figure_value") as batch:
        batch.drop_column("measured_on")
