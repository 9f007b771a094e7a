"""guidance documents under the Vejledning tab

Revision ID: a1b3c5d7e9f2
Revises: f2a4c6e8b0d1
Create Date: 2026-12-07 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a1b3c5d7e9f2"
down_revision = "f2a4c6e8b0d1"
branch_labels = None
depends_on = None

AUDIENCES = ("ALL", "ORGANISATIONS", "MUNICIPALITIES")


def upgrade():
    op.create_table(
        "guidance_document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                *AUDIENCES,
                name="guide_audience",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.CheckConstraint("size >= 0", name="ck_guidance_document_size"),
    )


def downgrade():
    op.drop_table("guidance_document")
