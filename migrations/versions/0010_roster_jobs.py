"""roster_jobs: roster syncs asked for from the web, run by the worker

Revision ID: 0010_roster_jobs
Revises: 0009_audit_context
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_roster_jobs'
down_revision = '0009_audit_context'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roster_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('deactivated', sa.Integer(), nullable=False),
    sa.Column('error_kind', sa.String(length=32), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['context_id'], ['contexts.id'], name=op.f('fk_roster_jobs_context_id_contexts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['platforms.id'], name=op.f('fk_roster_jobs_platform_id_platforms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_roster_jobs_requested_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_jobs'))
    )
    with op.batch_alter_table('roster_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_roster_jobs_state_id', ['state', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_jobs_context_id'), ['context_id'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_jobs_context_id'))
        batch_op.drop_index('ix_roster_jobs_state_id')

    op.drop_table('roster_jobs')
