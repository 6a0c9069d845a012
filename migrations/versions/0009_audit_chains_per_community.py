"""audit chains per community: a sequence number per chain, keyed (HMAC) entries

Entries recorded before this revision keep their SHA-256 hashes and their one site-wide
chain (`keyed` false, checked as such); their `seq` is numbered per community in id order.
Entries recorded after it are HMAC-keyed and chained per community.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('keyed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    entries = sa.table('audit_entry', sa.column('id', sa.Integer()),
                       sa.column('community_id', sa.Integer()), sa.column('seq', sa.Integer()))
    conn = op.get_bind()
    counters: dict = {}
    numbered = []
    for entry_id, community_id in conn.execute(
            sa.select(entries.c.id, entries.c.community_id).order_by(entries.c.id)):
        counters[community_id] = counters.get(community_id, 0) + 1
        numbered.append({"entry_id": entry_id, "seq": counters[community_id]})
    if numbered:
        conn.execute(entries.update().where(entries.c.id == sa.bindparam("entry_id"))
                     .values(seq=sa.bindparam("seq")), numbered)

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_audit_entry_prev_hash', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entry_community_id_seq'),
                                          ['community_id', 'seq'])


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entry_community_id_seq'), type_='unique')
        batch_op.create_unique_constraint('uq_audit_entry_prev_hash', ['prev_hash'])
        batch_op.drop_column('keyed')
        batch_op.drop_column('seq')
