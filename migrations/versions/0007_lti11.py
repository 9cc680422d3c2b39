"""lti11: LTI 1.1 consumer secrets (encrypted) and Basic Outcomes services per learner x link

Revision ID: 0007_lti11
Revises: 0004_grade_deliveries
Create Date: 2026-11-26 06:00:00

Additive only: two new tables.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_lti11'
down_revision = '0004_grade_deliveries'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lti11_consumers',
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['platforms.id'], name=op.f('fk_lti11_consumers_platform_id_platforms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('platform_id', name=op.f('pk_lti11_consumers'))
    )
    op.create_table('lti11_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('resource_link_id', sa.Integer(), nullable=False),
    sa.Column('service_url', sa.String(length=2048), nullable=False),
    sa.Column('sourcedid', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resource_link_id'], ['resource_links.id'], name=op.f('fk_lti11_outcomes_resource_link_id_resource_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti11_outcomes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti11_outcomes')),
    sa.UniqueConstraint('user_id', 'resource_link_id', name=op.f('uq_lti11_outcomes_user_id_resource_link_id'))
    )
    with op.batch_alter_table('lti11_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti11_outcomes_resource_link_id'), ['resource_link_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lti11_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti11_outcomes_resource_link_id'))

    op.drop_table('lti11_outcomes')
    op.drop_table('lti11_consumers')
