"""merge mentoring and LTI 1.1 branches

Revision ID: 0008_merge
Revises: 0005_mentoring, 0007_lti11
Create Date: 2026-11-26 05:29:54.595767

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_merge'
down_revision = ('0005_mentoring', '0007_lti11')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
