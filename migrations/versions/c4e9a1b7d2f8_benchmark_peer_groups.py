"""each accounts amount once; benchmarks per peer group with the number of accounts they rest on, valid from a moment
(a package keeps those valid when it was opened until it updates); the index that carries
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

CURRENT = sa.text("valid_to IS NULL")
OWN = sa.text("estate_id IS NULL")
ESTATES = sa.text("estate_id IS NOT NULL")


def upgrade():
    op.create_index(
        "uq_accounts_amount_organisation",
        "accounts_amount",
        ["organisation_id", "accounting_year", "key"],
        unique=True,
        sqlite_where=OWN,
        postgresql_where=OWN,
    )
    op.create_index(
        "uq_accounts_amount_estate",
        "accounts_amount",
        ["estate_id", "accounting_year", "key"],
        unique=True,
        sqlite_where=ESTATES,
        postgresql_where=ESTATES,
    )
    with op.batch_alter_table("benchmark") as batch_op:
        batch_op.add_column(
            sa.Column("peer_group", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("basis", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "valid_from",
                sa.DateTime(),
                server_default="1970-01-01 00:00:00",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("valid_to", sa.DateTime(), nullable=True))
        batch_op.drop_constraint("uq_benchmark_year_key", type_="unique")
        batch_op.create_check_constraint(
            "ck_benchmark_valid", "valid_to IS NULL OR valid_to >= valid_from"
        )
    op.create_index(
        "uq_benchmark_current",
        "benchmark",
        ["year", "key", "peer_group"],
        unique=True,
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )
    op.create_index("ix_benchmark_year_key", "benchmark", ["year", "key"])
    with op.batch_alter_table("package") as batch_op:
        batch_op.add_column(sa.Column("benchmarks_as_of", sa.DateTime(), nullable=True))
    # packages opened before keep today's benchmarks until they update
    op.execute("UPDATE package SET benchmarks_as_of = CURRENT_TIMESTAMP")
    op.create_table(
        "benchmark_index",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, unique=True),
        sa.Column("percent", sa.Numeric(6, 2), nullable=False),
        sa.Column("description", sa.String(length=200), server_default="", nullable=False),
        sa.CheckConstraint("percent > -100", name="ck_benchmark_index_percent"),
    )


def downgrade():
    op.drop_index("uq_accounts_amount_estate", table_name="accounts_amount")
    op.drop_index("uq_accounts_amount_organisation", table_name="accounts_amount")
    op.drop_table("benchmark_index")
    with op.batch_alter_table("package") as batch_op:
        batch_op.drop_column("benchmarks_as_of")
    op.drop_index("ix_benchmark_year_key", table_name="benchmark")
    op.drop_index("uq_benchmark_current", table_name="benchmark")
    op.execute("DELETE FROM benchmark WHERE peer_group <> '' OR valid_to IS NOT NULL")
    with op.batch_alter_table("benchmark") as batch_op:
        batch_op.drop_constraint("ck_benchmark_valid", type_="check")
        batch_op.create_unique_constraint("uq_benchmark_year_key", ["year", "key"])
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("basis")
        batch_op.drop_column("peer_group")
