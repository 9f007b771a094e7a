"""the right to act for every administered organisation, also those that come later

Revision ID: a8c0e2f4b6d9
Revises: f6a8c0e2d4b6
"""

from alembic import op

revision = "a8c0e2f4b6d9"
down_revision = "f6a8c0e2d4b6"
branch_labels = None
depends_on = None

BEFORE = ("READ", "FILL_AND_SEND", "PROCESS", "STATISTICS", "LOCAL_ADMIN")
AFTER = (*BEFORE, "ALL_ADMINISTERED")


def _check(values) -> str:
    return '"right" IN (' + ", ".join(f"'{v}'" for v in values) + ")"


def _allow(values) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite changes a constraint by copying the table
        with op.batch_alter_table("user_right", recreate="always") as batch_op:
            batch_op.drop_constraint("user_right_kind", type_="check")
            batch_op.create_check_constraint("user_right_kind", _check(values))
        return
    op.drop_constraint("user_right_kind", "user_right", type_="check")
    op.create_check_constraint("user_right_kind", "user_right", _check(values))


def upgrade():
    _allow(AFTER)


def downgrade():
    op.execute("DELETE FROM user_right WHERE \"right\" = 'ALL_ADMINISTERED'")
    _allow(BEFORE)
