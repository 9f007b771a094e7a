"""a package records its home municipality and administrator, an estate form its estate's
municipality, as the master data said when the year was opened

Revision ID: e5f7a9c1b3d6
Revises: c4e9a1b7d2f8
Create Date: 2026-12-07 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e5f7a9c1b3d6"
down_revision = "c4e9a1b7d2f8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("package") as batch_op:
        batch_op.add_column(sa.Column("home_municipality_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("administered_by_id", sa.Integer(), nullable=True))
    # the packages there are keep the master data of today
    op.execute(
        "UPDATE package SET"
        " home_municipality_id = (SELECT o.home_municipality_id FROM organisation o"
        " WHERE o.id = package.organisation_id),"
        " administered_by_id = (SELECT o.administered_by_id FROM organisation o"
        " WHERE o.id = package.organisation_id)"
    )
    with op.batch_alter_table("package") as batch_op:
        batch_op.alter_column("home_municipality_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            "fk_package_home_municipality_id_municipality",
            "municipality",
            ["home_municipality_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            "fk_package_administered_by_id_organisation",
            "organisation",
            ["administered_by_id"],
            ["id"],
        )
        batch_op.create_index("ix_package_home_municipality_id", ["home_municipality_id"])
        batch_op.create_index("ix_package_administered_by_id", ["administered_by_id"])
    with op.batch_alter_table("form") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE form SET municipality_id = (SELECT e.municipality_id FROM estate e"
        " WHERE e.id = form.estate_id) WHERE estate_id IS NOT NULL"
    )
    with op.batch_alter_table("form") as batch_op:
        batch_op.create_foreign_key(
            "fk_form_municipality_id_municipality", "municipality", ["municipality_id"], ["id"]
        )
        batch_op.create_index("ix_form_municipality_id", ["municipality_id"])
        batch_op.create_check_constraint(
            "ck_form_municipality_iff_estate", "(estate_id IS NULL) = (municipality_id IS NULL)"
        )


def downgrade():
    with op.batch_alter_table("form") as batch_op:
        batch_op.drop_constraint("ck_form_municipality_iff_estate", type_="check")
        batch_op.drop_index("ix_form_municipality_id")
        batch_op.drop_constraint("fk_form_municipality_id_municipality", type_="foreignkey")
        batch_op.drop_column("municipality_id")
    with op.batch_alter_table("package") as batch_op:
        batch_op.drop_index("ix_package_administered_by_id")
        batch_op.drop_index("ix_package_home_municipality_id")
        batch_op.drop_constraint("fk_package_administered_by_id_organisation", type_="foreignkey")
        batch_op.drop_constraint("fk_package_home_municipality_id_municipality", type_="foreignkey")
        batch_op.drop_column("administered_by_id")
        batch_op.drop_column("home_municipality_id")
