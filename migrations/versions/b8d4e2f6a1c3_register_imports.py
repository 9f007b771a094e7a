"""register imports, the annual and auditor's reports of a filing, lettings per tool, the
accounts' amounts, thresholds far from the benchmark either way

Revision ID: b8d4e2f6a1c3
Revises: a7c3e1d2f4b5
Create Date: 2026-11-23 17:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b8d4e2f6a1c3"
down_revision = "a7c3e1d2f4b5"
branch_labels = None
depends_on = None

STATUSES = ("QUEUED", "RUNNING", "IMPORTED", "UNCHANGED", "REFUSED", "FAILED")


def upgrade():
    with op.batch_alter_table("flag_threshold") as batch_op:
        batch_op.drop_constraint("ck_flag_threshold_direction", type_="check")
        batch_op.create_check_constraint(
            "ck_flag_threshold_direction",
            "direction IN ('higher_is_worse', 'lower_is_worse', 'either_way')",
        )
    with op.batch_alter_table("accounts_filing") as batch_op:
        batch_op.add_column(sa.Column("annual_report_filed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("auditors_report_filed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("letting_tool_use") as batch_op:
        batch_op.add_column(sa.Column("lettings", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "register_import",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("register", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES,
                name="import_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), server_default="0", nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=True),
        sa.Column("changed", sa.Integer(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "accounts_amount",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=False
        ),
        sa.Column("estate_id", sa.Integer(), sa.ForeignKey("estate.id"), nullable=True),
        sa.Column("accounting_year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Numeric(16, 2), nullable=False),
    )
    op.create_index("ix_accounts_amount_organisation_id", "accounts_amount", ["organisation_id"])
    op.create_index("ix_accounts_amount_accounting_year", "accounts_amount", ["accounting_year"])


def downgrade():
    with op.batch_alter_table("flag_threshold") as batch_op:
        batch_op.drop_constraint("ck_flag_threshold_direction", type_="check")
        batch_op.create_check_constraint(
            "ck_flag_threshold_direction", "direction IN ('higher_is_worse', 'lower_is_worse')"
        )
    op.drop_index("ix_accounts_amount_accounting_year", table_name="accounts_amount")
    op.drop_index("ix_accounts_amount_organisation_id", table_name="accounts_amount")
    op.drop_table("accounts_amount")
    op.drop_table("register_import")
    with op.batch_alter_table("letting_tool_use") as batch_op:
        batch_op.drop_column("lettings")
    with op.batch_alter_table("accounts_filing") as batch_op:
        batch_op.drop_column("auditors_report_filed_on")
        batch_op.drop_column("annual_report_filed_on")
