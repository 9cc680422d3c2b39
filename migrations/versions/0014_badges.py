"""badges: the Open Badges 3.0 credentials (signed VC-JWT) of modules and the programme

Revision ID: 0014_badges
Revises: 0013_self_assessments
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_badges'
down_revision = '0013_self_assessments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'badges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=45), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('context_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('module_slug', sa.String(length=100), nullable=True),
        sa.Column('certificate_id', sa.Integer(), nullable=True),
        sa.Column('active_key', sa.String(length=80), nullable=True),
        sa.Column('jwt', sa.Text(), nullable=True),
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_reason', sa.Text(), nullable=True),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['context_id'], ['contexts.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('credential_id'),
        sa.UniqueConstraint('certificate_id'),
        sa.UniqueConstraint('active_key'),
    )
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badges_kid'), ['kid'], unique=False)
        batch_op.create_index(batch_op.f('ix_badges_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badges_user_id'))
        batch_op.drop_index(batch_op.f('ix_badges_kid'))
    op.drop_table('badges')
