"""package PDFs built once per version of the package and reader's view

Revision ID: f2a4c6e8b0d1
Revises: e5f7a9c1b3d6
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f2a4c6e8b0d1"
down_revision = "e5f7a9c1b3d6"
branch_labels = None
depends_on = None

STATUSES = ("QUEUED", "RUNNING", "DONE", "FAILED")


def upgrade():
    op.create_table(
        "print_job",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "package_id",
            sa.Integer(),
            sa.ForeignKey("package.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=5), server_default="da", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES, name="print_status", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("progress", sa.Integer(), server_default="0", nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="ck_print_job_progress"),
    )
    op.create_index("ix_print_job_package_id", "print_job", ["package_id"])


def downgrade():
    op.drop_index("ix_print_job_package_id", table_name="print_job")
    op.drop_table("print_job")
