"""turnout: units per building frozen per vote, building volunteers, visits, reminders

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:20:00

Votes opened before this revision get their units frozen from the register as it stands.
"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('turnout_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('elector_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('building', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('area_m2', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_turnout_unit_building_id_building')),
    sa.ForeignKeyConstraint(['elector_id'], ['vote_elector.id'], name=op.f('fk_turnout_unit_elector_id_vote_elector')),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_turnout_unit_vote_id_vote')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turnout_unit'))
    )
    with op.batch_alter_table('turnout_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_turnout_unit_elector_id'), ['elector_id'], unique=False)
        batch_op.create_index('ix_turnout_unit_vote_building', ['vote_id', 'building_id'], unique=False)

    op.create_table('volunteer_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_volunteer_assignment_building_id_building')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_volunteer_assignment_community_id_community')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_volunteer_assignment_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_volunteer_assignment_membership_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_assignment')),
    sa.UniqueConstraint('membership_id', 'building_id', name=op.f('uq_volunteer_assignment_membership_id_building_id'))
    )
    with op.batch_alter_table('volunteer_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_assignment_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_assignment_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_assignment_membership_id'), ['membership_id'], unique=False)

    op.create_table('turnout_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('elector_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('visited', 'not_home', 'will_vote_online', 'paper_handed_out', 'refused', name='visit_outcome', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('visited_by_id', sa.Integer(), nullable=False),
    sa.Column('visited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_turnout_visit_building_id_building')),
    sa.ForeignKeyConstraint(['elector_id'], ['vote_elector.id'], name=op.f('fk_turnout_visit_elector_id_vote_elector')),
    sa.ForeignKeyConstraint(['visited_by_id'], ['user_account.id'], name=op.f('fk_turnout_visit_visited_by_id_user_account')),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_turnout_visit_vote_id_vote')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turnout_visit'))
    )
    with op.batch_alter_table('turnout_visit', schema=None) as batch_op:
        batch_op.create_index('ix_turnout_visit_vote_building', ['vote_id', 'building_id'], unique=False)

    op.create_table('turnout_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_turnout_reminder_building_id_building')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_turnout_reminder_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_turnout_reminder_vote_id_vote')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turnout_reminder'))
    )
    with op.batch_alter_table('turnout_reminder', schema=None) as batch_op:
        batch_op.create_index('ix_turnout_reminder_vote_building', ['vote_id', 'building_id'], unique=False)

    _freeze_existing_votes()


def _freeze_existing_votes():
    """The units of votes opened before this revision, from the register as it stands."""
    bind = op.get_bind()
    votes = bind.execute(sa.text("SELECT id, scope_buildings, parking_counted FROM vote")).all()
    for vote_id, scope, parking_counted in votes:
        if isinstance(scope, str):
            scope = json.loads(scope)
        conditions, params = ["e.vote_id = :vote_id"], {"vote_id": vote_id}
        if scope is not None:
            names = [f":b{i}" for i in range(len(scope))] or ["NULL"]
            conditions.append(f"b.name IN ({', '.join(names)})")
            params.update({f"b{i}": name for i, name in enumerate(scope)})
        if not parking_counted:
            conditions.append("u.kind != 'parking'")
        bind.execute(sa.text(
            "INSERT INTO turnout_unit (vote_id, elector_id, building_id, building, unit, area_m2) "
            "SELECT e.vote_id, e.id, b.id, b.name, u.number, u.area_m2 FROM vote_elector e "
            "JOIN unit u ON u.owner_id = e.owner_id JOIN building b ON b.id = u.building_id "
            "WHERE " + " AND ".join(conditions)), params)


def downgrade():
    with op.batch_alter_table('turnout_reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_turnout_reminder_vote_building')
    op.drop_table('turnout_reminder')
    with op.batch_alter_table('turnout_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_turnout_visit_vote_building')
    op.drop_table('turnout_visit')
    with op.batch_alter_table('volunteer_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_assignment_membership_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_assignment_community_id'))
        batch_op.drop_index(batch_op.f('ix_volunteer_assignment_building_id'))
    op.drop_table('volunteer_assignment')
    with op.batch_alter_table('turnout_unit', schema=None) as batch_op:
        batch_op.drop_index('ix_turnout_unit_vote_building')
        batch_op.drop_index(batch_op.f('ix_turnout_unit_elector_id'))
    op.drop_table('turnout_unit')
