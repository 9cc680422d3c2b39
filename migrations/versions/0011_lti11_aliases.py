"""lti11_aliases: LTI 1.1 ids whose records continue under LTI 1.3 after a verified migration claim

Revision ID: 0011_lti11_aliases
Revises: 0010_roster_jobs
Create Date: 2026-11-29 10:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_lti11_aliases'
down_revision = '0010_roster_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lti11_aliases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consumer_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('external_id', sa.String(length=255), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['consumer_id'], ['platforms.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('consumer_id', 'kind', 'external_id'),
    )


def downgrade():
    op.drop_table('lti11_aliases')
