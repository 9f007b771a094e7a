"""session generation: logging out revokes every session cookie issued before

Revision ID: 3f1c2a7b9d10
Revises: dabb22f69105
Create Date: 2026-11-23 11:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "3f1c2a7b9d10"
down_revision = "dabb22f69105"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ab_user") as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("ab_user") as batch_op:
        batch_op.drop_column("session_generation")
