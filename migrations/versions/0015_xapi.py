"""xapi: learning record stores and the statements sent to them (an outbox queue)

Revision ID: 0015_xapi
Revises: 0014_badges
Create Date: 2026-12-03 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_xapi'
down_revision = '0014_badges'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lrs_endpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=True),
        sa.Column('url', sa.String(length=2048), nullable=False),
        sa.Column('username', sa.String(length=255), nullable=False),
        sa.Column('password_encrypted', sa.String(length=1024), nullable=False),
        sa.Column('send_email', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['platforms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform_id'),
    )
    op.create_table(
        'xapi_statements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.String(length=36), nullable=False),
        sa.Column('lrs_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('platform_id', sa.Integer(), nullable=True),
        sa.Column('context_id', sa.Integer(), nullable=True),
        sa.Column('verb', sa.String(length=40), nullable=False),
        sa.Column('timestamp', sa.DateTime(timezone=True), nullable=False),
        sa.Column('body', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('response_status', sa.Integer(), nullable=True),
        sa.Column('claimed_by', sa.String(length=100), nullable=True),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['lrs_id'], ['lrs_endpoints.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['platform_id'], ['platforms.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['context_id'], ['contexts.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('statement_id'),
    )
    with op.batch_alter_table('xapi_statements') as batch:
        batch.create_index('ix_xapi_statements_state_next_attempt_at', ['state', 'next_attempt_at'])
        batch.create_index('ix_xapi_statements_timestamp', ['timestamp'])
        batch.create_index('ix_xapi_statements_lrs_id', ['lrs_id'])
        batch.create_index('ix_xapi_statements_user_id', ['user_id'])
        batch.create_index('ix_xapi_statements_context_id', ['context_id'])


def downgrade():
    op.drop_table('xapi_statements')
    op.drop_table('lrs_endpoints')
