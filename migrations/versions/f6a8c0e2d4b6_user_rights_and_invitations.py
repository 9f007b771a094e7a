"""rights per user, the administered organisations each user acts for, and invitations

Users of an organisation or a municipality who exist already keep what they could do: the
rights of their affiliation (all but local administrator, which LBF appoints) and every
organisation their organisation administers now.

Revision ID: f6a8c0e2d4b6
Revises: d4e6f8a0b2c4
Create Date: 2026-12-08 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f6a8c0e2d4b6"
down_revision = "d4e6f8a0b2c4"
branch_labels = None
depends_on = None

RIGHTS = ("READ", "FILL_AND_SEND", "PROCESS", "STATISTICS", "LOCAL_ADMIN")
ORGANISATION_RIGHTS = ("READ", "FILL_AND_SEND", "STATISTICS")
MUNICIPALITY_RIGHTS = ("READ", "PROCESS", "STATISTICS")


def upgrade():
    user_right = op.create_table(
        "user_right",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("ab_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "right",
            sa.Enum(
                *RIGHTS, name="user_right_kind", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.UniqueConstraint("user_id", "right", name="uq_user_right"),
    )
    op.create_index("ix_user_right_user_id", "user_right", ["user_id"])
    user_organisation = op.create_table(
        "user_organisation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("ab_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("organisation.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.UniqueConstraint("user_id", "organisation_id", name="uq_user_organisation"),
    )
    op.create_index("ix_user_organisation_user_id", "user_organisation", ["user_id"])
    op.create_index(
        "ix_user_organisation_organisation_id", "user_organisation", ["organisation_id"]
    )
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("first_name", sa.String(length=64), nullable=False),
        sa.Column("last_name", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"), nullable=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=True),
        sa.Column("rights", sa.JSON(), nullable=False),
        sa.Column("acts_for", sa.JSON(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(organisation_id IS NULL) <> (municipality_id IS NULL)",
            name="ck_invitation_one_affiliation",
        ),
    )
    op.create_index("ix_invitation_email", "invitation", ["email"])
    op.create_index("ix_invitation_organisation_id", "invitation", ["organisation_id"])
    op.create_index("ix_invitation_municipality_id", "invitation", ["municipality_id"])

    connection = op.get_bind()
    users = sa.table(
        "ab_user",
        sa.column("id", sa.Integer),
        sa.column("organisation_id", sa.Integer),
        sa.column("municipality_id", sa.Integer),
    )
    organisation = sa.table(
        "organisation", sa.column("id", sa.Integer), sa.column("administered_by_id", sa.Integer)
    )
    rights, acts_for = [], []
    for user_id, organisation_id, municipality_id in connection.execute(
        sa.select(users.c.id, users.c.organisation_id, users.c.municipality_id)
    ):
        if organisation_id is not None:
            rights += [{"user_id": user_id, "right": r} for r in ORGANISATION_RIGHTS]
            administered = connection.execute(
                sa.select(organisation.c.id).where(
                    organisation.c.administered_by_id == organisation_id
                )
            ).scalars()
            acts_for += [{"user_id": user_id, "organisation_id": o} for o in administered]
        elif municipality_id is not None:
            rights += [{"user_id": user_id, "right": r} for r in MUNICIPALITY_RIGHTS]
    if rights:
        op.bulk_insert(user_right, rights)
    if acts_for:
        op.bulk_insert(user_organisation, acts_for)


def downgrade():
    op.drop_index("ix_invitation_municipality_id", table_name="invitation")
    op.drop_index("ix_invitation_organisation_id", table_name="invitation")
    op.drop_index("ix_invitation_email", table_name="invitation")
    op.drop_table("invitation")
    op.drop_index("ix_user_organisation_organisation_id", table_name="user_organisation")
    op.drop_index("ix_user_organisation_user_id", table_name="user_organisation")
    op.drop_table("user_organisation")
    op.drop_index("ix_user_right_user_id", table_name="user_right")
    op.drop_table("user_right")
