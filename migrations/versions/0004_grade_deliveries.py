"""grade_deliveries: the durable outbox of AGS grade passback

Revision ID: 0004_grade_deliveries
Revises: 0003_learning
Create Date: 2026-11-26 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_grade_deliveries'
down_revision = '0003_learning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grade_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('resource_link_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=True),
    sa.Column('module_slug', sa.String(length=100), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('target_key', sa.String(length=2100), nullable=False),
    sa.Column('lineitem_url', sa.String(length=2048), nullable=True),
    sa.Column('score_given', sa.Float(), nullable=True),
    sa.Column('score_maximum', sa.Float(), nullable=False),
    sa.Column('activity_progress', sa.String(length=20), nullable=False),
    sa.Column('grading_progress', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('timestamp', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['contexts.id'], name=op.f('fk_grade_deliveries_context_id_contexts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['platforms.id'], name=op.f('fk_grade_deliveries_platform_id_platforms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_link_id'], ['resource_links.id'], name=op.f('fk_grade_deliveries_resource_link_id_resource_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_grade_deliveries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_deliveries'))
    )
    with op.batch_alter_table('grade_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_grade_deliveries_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_grade_deliveries_user_id_target_key', ['user_id', 'target_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_grade_deliveries_resource_link_id'), ['resource_link_id'], unique=False)


def downgrade():
    with op.batch_alter_table('grade_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_deliveries_resource_link_id'))
        batch_op.drop_index('ix_grade_deliveries_user_id_target_key')
        batch_op.drop_index('ix_grade_deliveries_state_next_attempt_at')

    op.drop_table('grade_deliveries')
