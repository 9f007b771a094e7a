"""CVR numbers of organisations and municipalities; NemLog-in's authentication requests

Revision ID: d4e6f8a0b2c4
Revises: c3d5e7f9a1b2
Create Date: 2026-12-09 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d4e6f8a0b2c4"
down_revision = "c3d5e7f9a1b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("cvr", sa.String(length=8), nullable=True))
        batch.create_unique_constraint("uq_organisation_cvr", ["cvr"])
        batch.create_check_constraint("ck_organisation_cvr", "cvr IS NULL OR length(cvr) = 8")
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(sa.Column("cvr", sa.String(length=8), nullable=True))
        batch.create_unique_constraint("uq_municipality_cvr", ["cvr"])
        batch.create_check_constraint("ck_municipality_cvr", "cvr IS NULL OR length(cvr) = 8")
    op.create_table(
        "saml_authn_request",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_saml_authn_request"),
    )
    op.create_index("ix_saml_authn_request_issued_at", "saml_authn_request", ["issued_at"])


def downgrade():
    op.drop_index("ix_saml_authn_request_issued_at", table_name="saml_authn_request")
    op.drop_table("saml_authn_request")
    with op.batch_alter_table("municipality") as batch:
        batch.drop_constraint("ck_municipality_cvr", type_="check")
        batch.drop_constraint("uq_municipality_cvr", type_="unique")
        batch.drop_column("cvr")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_constraint("ck_organisation_cvr", type_="check")
        batch.drop_constraint("uq_organisation_cvr", type_="unique")
        batch.drop_column("cvr")
