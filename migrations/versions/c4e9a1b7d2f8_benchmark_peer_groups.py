"""benchmarks per peer group with the number of accounts they rest on; the index that carries
last year's benchmarks forward

Revision ID: c4e9a1b7d2f8
Revises: b8d4e2f6a1c3
Create Date: 2026-12-07 04:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4e9a1b7d2f8"
down_revision = "b8d4e2f6a1c3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("benchmark") as batch_op:
        batch_op.add_column(
            sa.Column("peer_group", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("basis", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_benchmark_year_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_benchmark_year_key_peer", ["year", "key", "peer_group"]
        )
    op.create_table(
        "benchmark_index",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, unique=True),
        sa.Column("percent", sa.Numeric(6, 2), nullable=False),
        sa.Column("description", sa.String(length=200), server_default="", nullable=False),
        sa.CheckConstraint("percent > -100", name="ck_benchmark_index_percent"),
    )


def downgrade():
    op.drop_table("benchmark_index")
    op.execute("DELETE FROM benchmark WHERE peer_group <> ''")
    with op.batch_alter_table("benchmark") as batch_op:
        batch_op.drop_constraint("uq_benchmark_year_key_peer", type_="unique")
        batch_op.create_unique_constraint("uq_benchmark_year_key", ["year", "key"])
        batch_op.drop_column("basis")
        batch_op.drop_column("peer_group")
