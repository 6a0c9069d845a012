"""community: the voting window's bounds may hold at opening too

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 05:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vote_window_at_opening', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('community', schema=None) as batch_op:
        batch_op.drop_column('vote_window_at_opening')
