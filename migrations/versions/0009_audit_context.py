"""audit_log.context_id: the course run an entry belongs to, so readers see their tenant only

Revision ID: 0009_audit_context
Revises: 0008_merge
Create Date: 2026-11-29 10:10:00

Existing entries keep a NULL course run: only local coordinators (all tenants) see them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_audit_context'
down_revision = '0008_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log') as batch:
        batch.add_column(sa.Column('context_id', sa.Integer(), nullable=True))
        batch.create_index('ix_audit_log_context_id', ['context_id'])
        batch.create_foreign_key(
            'fk_audit_log_context_id', 'contexts', ['context_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_constraint('fk_audit_log_context_id', type_='foreignkey')
        batch.drop_index('ix_audit_log_context_id')
        batch.drop_column('context_id')
