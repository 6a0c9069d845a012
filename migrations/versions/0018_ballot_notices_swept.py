"""notifications: ballot notices swept from the ballot tables (a cursor, cast_at indexes)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 13:10:00

The owners' ballot notices are recorded by a job reading the ballots recorded since its last
run (`job_cursor`), one event per receipt. The events written before this revision get that
receipt's key, so no ballot is told twice, and the cursor starts now, so no ballot from before
is told late.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

CURSOR = 'notifications.ballot_notices'
TABLES = ('ballot', 'ballot_revision', 'ballot_conflict')


def upgrade():
    op.create_table('job_cursor',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_cursor'))
    )
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_cast_at'), ['cast_at'], unique=False)

    bind = op.get_bind()
    event = sa.table('notification_event', sa.column('id', sa.Integer),
                     sa.column('kind', sa.String), sa.column('key', sa.String),
                     sa.column('payload', sa.JSON))
    taken = set(bind.execute(sa.select(event.c.key).where(event.c.key.is_not(None))).scalars())
    rows = bind.execute(sa.select(event.c.id, event.c.payload).where(
        event.c.kind == 'ballot_recorded', event.c.key.is_(None)).order_by(event.c.id)).all()
    for event_id, payload in rows:
        receipt = (payload or {}).get('receipt')
        key = f"ballot_recorded:{receipt}"
        if not receipt or key in taken:  # a resolution's notice repeats the kept receipt
            continue
        taken.add(key)
        bind.execute(sa.update(event).where(event.c.id == event_id).values(key=key))
    now = datetime.now(UTC)
    cursor = sa.table('job_cursor', sa.column('name', sa.String),
                      sa.column('position', sa.DateTime(timezone=True)),
                      sa.column('updated_at', sa.DateTime(timezone=True)))
    op.bulk_insert(cursor, [{'name': CURSOR, 'position': now, 'updated_at': now}])


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_cast_at'))
    op.drop_table('job_cursor')
