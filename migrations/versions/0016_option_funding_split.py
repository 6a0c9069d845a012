"""proposal options: how a mixed option's cost is split between the sources

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 02:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposal_option', schema=None) as batch_op:
        batch_op.add_column(sa.Column('split_unit', sa.Enum('amount', 'percent', name='split_unit', native_enum=False, length=10), nullable=True))
        batch_op.add_column(sa.Column('split_fund', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('split_owners', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('split_subsidy', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('split_common_income', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposal_option', schema=None) as batch_op:
        batch_op.drop_column('split_common_income')
        batch_op.drop_column('split_subsidy')
        batch_op.drop_column('split_owners')
        batch_op.drop_column('split_fund')
        batch_op.drop_column('split_unit')
