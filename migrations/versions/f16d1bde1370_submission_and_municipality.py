"""submission and the municipality's side: recipients and receipts, returns with a reason,
the meeting date, statements as files, the mail outbox

Revision ID: f16d1bde1370
Revises: 3f1c2a7b9d10
Create Date: 2026-11-23 13:43:24.726288

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f16d1bde1370'
down_revision = '3f1c2a7b9d10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['package_id'], ['package.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_key')
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_package_id'), ['package_id'], unique=False)

    op.create_table('package_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('returned_at', sa.DateTime(), nullable=False),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['package_id'], ['package.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['returned_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('package_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_return_package_id'), ['package_id'], unique=False)

    op.create_table('recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('home', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.ForeignKeyConstraint(['package_id'], ['package.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('package_id', 'municipality_id', name='uq_recipient_per_package')
    )
    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipient_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recipient_package_id'), ['package_id'], unique=False)

    with op.batch_alter_table('package', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_date', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            'ck_package_meeting_only_when_held',
            "meeting_date IS NULL OR status IN ('MEETING_HELD', 'STATEMENT_GIVEN')",
        )

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_type', sa.String(length=120), server_default='application/pdf', nullable=False))
        batch_op.add_column(sa.Column('size', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('uploaded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_statement_uploaded_by_id', 'ab_user', ['uploaded_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_statement_uploaded_by_id', type_='foreignkey')
        batch_op.drop_column('uploaded_by_id')
        batch_op.drop_column('size')
        batch_op.drop_column('content_type')

    with op.batch_alter_table('package', schema=None) as batch_op:
        batch_op.drop_constraint('ck_package_meeting_only_when_held', type_='check')
        batch_op.drop_column('meeting_date')

    with op.batch_alter_table('recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipient_package_id'))
        batch_op.drop_index(batch_op.f('ix_recipient_municipality_id'))

    op.drop_table('recipient')
    with op.batch_alter_table('package_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_return_package_id'))

    op.drop_table('package_return')
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_message_package_id'))

    op.drop_table('mail_message')
