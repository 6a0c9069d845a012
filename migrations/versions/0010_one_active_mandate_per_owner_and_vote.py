"""one active proxy mandate per owner and vote: a unique partial index

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ACTIVE = "revoked_at IS NULL AND vote_id IS NOT NULL"


def upgrade():
    with op.batch_alter_table('proxy_mandate', schema=None) as batch_op:
        batch_op.create_index('uq_proxy_mandate_active_vote', ['vote_id', 'mandator_id'],
                              unique=True, postgresql_where=sa.text(ACTIVE),
                              sqlite_where=sa.text(ACTIVE))


def downgrade():
    with op.batch_alter_table('proxy_mandate', schema=None) as batch_op:
        batch_op.drop_index('uq_proxy_mandate_active_vote')
