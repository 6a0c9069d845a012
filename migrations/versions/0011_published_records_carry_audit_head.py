"""published records carry the audit head: result notices and minutes anchor the audit chain

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('result_notice', 'minutes'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('audit_head', sa.String(length=64), nullable=True))


def downgrade():
    for table in ('minutes', 'result_notice'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('audit_head')
