"""self_assessments: the alliance-maturity self-assessment, per learner, course run and phase

Revision ID: 0013_self_assessments
Revises: 0012_certificates
Create Date: 2026-12-02 21:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_self_assessments'
down_revision = '0012_certificates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'self_assessments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('context_id', sa.Integer(), nullable=True),
        sa.Column('phase', sa.String(length=10), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['context_id'], ['contexts.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_self_assessments_context_id'), 'self_assessments', ['context_id'], unique=False
    )
    op.create_index(
        op.f('ix_self_assessments_user_id'), 'self_assessments', ['user_id'], unique=False
    )


def downgrade():
    op.drop_index(op.f('ix_self_assessments_user_id'), table_name='self_assessments')
    op.drop_index(op.f('ix_self_assessments_context_id'), table_name='self_assessments')
    op.drop_table('self_assessments')
