"""badges: the Open Badges 3.0 credential (signed VC-JWT) of each certificate

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
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('jwt', sa.Text(), nullable=True),
        sa.Column('kid', sa.String(length=64), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('credential_id'),
        sa.UniqueConstraint('certificate_id'),
    )
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badges_kid'), ['kid'], unique=False)


def downgrade():
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badges_kid'))
    op.drop_table('badges')
