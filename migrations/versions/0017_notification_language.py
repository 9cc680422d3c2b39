"""notification language: the language a person chose for their messages (none: the platform's)

Revision ID: 0017_notification_language
Revises: 0016_notifications
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_notification_language'
down_revision = '0016_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_languages',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_languages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_languages'))
    )


def downgrade():
    op.drop_table('notification_languages')
