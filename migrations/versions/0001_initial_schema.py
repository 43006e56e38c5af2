"""Initial schema: workspaces, referential, people, interactions, auth, audit, cache.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 22:48:10.429975
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('instance_settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_instance_settings'))
    )
    op.create_table('workspaces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('body_id', sa.Integer(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('data_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('length(slug) BETWEEN 1 AND 64', name=op.f('ck_workspaces_slug_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workspaces')),
    sa.UniqueConstraint('slug', name=op.f('uq_workspaces_slug'))
    )
    op.create_table('analysis_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('data_version', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('computed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_analysis_cache_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analysis_cache')),
    sa.UniqueConstraint('workspace_id', 'key', name=op.f('uq_analysis_cache_workspace_id_key'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('last_used_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("scope IN ('read', 'ingest', 'admin')", name=op.f('ck_api_tokens_scope')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_api_tokens_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_api_tokens_workspace_id_name'))
    )
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('object_type', sa.String(length=50), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_audit_entries_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_workspace_id_at', ['workspace_id', 'at'], unique=False)

    op.create_table('institutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subtype', sa.String(length=40), nullable=True),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('insee_code', sa.String(length=5), nullable=True),
    sa.Column('departement_code', sa.String(length=3), nullable=True),
    sa.Column('region_code', sa.String(length=2), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('state_central', 'state_service', 'region', 'departement', 'epci', 'petr', 'pnr', 'syndicat', 'commune', 'other')", name=op.f('ck_institutions_kind')),
    sa.CheckConstraint('siren IS NULL OR length(siren) = 9', name=op.f('ck_institutions_siren_length')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_institutions_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions')),
    sa.UniqueConstraint('kind', 'insee_code', name=op.f('uq_institutions_kind_insee_code')),
    sa.UniqueConstraint('siren', name=op.f('uq_institutions_siren'))
    )
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institutions_departement_code'), ['departement_code'], unique=False)
        batch_op.create_index('ix_institutions_name', ['name'], unique=False)
        batch_op.create_index('ix_institutions_workspace_id_kind', ['workspace_id', 'kind'], unique=False)

    # workspaces and institutions refer to each other: the body FK comes once both exist.
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_workspaces_body_id_institutions'), 'institutions', ['body_id'], ['id'], ondelete='SET NULL')

    op.create_table('interactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('formal', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('meeting', 'informal', 'call', 'email', 'office_hours', 'event', 'visit', 'other')", name=op.f('ck_interactions_kind')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_interactions_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interactions')),
    sa.UniqueConstraint('workspace_id', 'source', 'external_id', name=op.f('uq_interactions_workspace_id_source_external_id'))
    )
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.create_index('ix_interactions_workspace_id_occurred_at', ['workspace_id', 'occurred_at'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('is_public_figure', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_people_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('workspace_id', 'email', name=op.f('uq_people_workspace_id_email'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_workspace_id_full_name', ['workspace_id', 'full_name'], unique=False)

    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_topics_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_topics_workspace_id_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_users_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('affiliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('role_category', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("role_category IN ('elected', 'executive', 'technical', 'other')", name=op.f('ck_affiliations_role_category')),
    sa.CheckConstraint('"end" IS NULL OR start IS NULL OR "end" >= start', name=op.f('ck_affiliations_dates')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_affiliations_institution_id_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_affiliations_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affiliations'))
    )
    with op.batch_alter_table('affiliations', schema=None) as batch_op:
        batch_op.create_index('ix_affiliations_institution_id', ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliations_person_id'), ['person_id'], unique=False)

    op.create_table('expected_liaisons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('institution_a_id', sa.Integer(), nullable=False),
    sa.Column('institution_b_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('institution_a_id <> institution_b_id', name=op.f('ck_expected_liaisons_distinct_sides')),
    sa.ForeignKeyConstraint(['institution_a_id'], ['institutions.id'], name=op.f('fk_expected_liaisons_institution_a_id_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['institution_b_id'], ['institutions.id'], name=op.f('fk_expected_liaisons_institution_b_id_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_expected_liaisons_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_liaisons')),
    sa.UniqueConstraint('workspace_id', 'institution_a_id', 'institution_b_id', name=op.f('uq_expected_liaisons_workspace_id_institution_a_id_institution_b_id'))
    )
    with op.batch_alter_table('expected_liaisons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expected_liaisons_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('institution_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('member_id <> group_id', name=op.f('ck_institution_memberships_not_self')),
    sa.CheckConstraint('valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from', name=op.f('ck_institution_memberships_dates')),
    sa.ForeignKeyConstraint(['group_id'], ['institutions.id'], name=op.f('fk_institution_memberships_group_id_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['institutions.id'], name=op.f('fk_institution_memberships_member_id_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_institution_memberships_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution_memberships')),
    sa.UniqueConstraint('member_id', 'group_id', 'valid_from', name=op.f('uq_institution_memberships_member_id_group_id_valid_from'))
    )
    with op.batch_alter_table('institution_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_memberships_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_institution_memberships_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('interaction_topics',
    sa.Column('interaction_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], name=op.f('fk_interaction_topics_interaction_id_interactions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_interaction_topics_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interaction_id', 'topic_id', name=op.f('pk_interaction_topics'))
    )
    with op.batch_alter_table('interaction_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interaction_topics_topic_id'), ['topic_id'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interaction_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.CheckConstraint("role IS NULL OR role IN ('organiser', 'attendee')", name=op.f('ck_participations_role')),
    sa.CheckConstraint('(person_id IS NOT NULL AND institution_id IS NULL) OR (person_id IS NULL AND institution_id IS NOT NULL)', name=op.f('ck_participations_person_or_institution')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_participations_institution_id_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], name=op.f('fk_participations_interaction_id_interactions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_participations_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('interaction_id', 'institution_id', name=op.f('uq_participations_interaction_id_institution_id')),
    sa.UniqueConstraint('interaction_id', 'person_id', name=op.f('uq_participations_interaction_id_person_id'))
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index('ix_participations_institution_id', ['institution_id'], unique=False)
        batch_op.create_index('ix_participations_person_id_interaction_id', ['person_id', 'interaction_id'], unique=False)

    op.create_table('person_refs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('ref', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_refs_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_person_refs_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_refs')),
    sa.UniqueConstraint('workspace_id', 'source', 'ref', name=op.f('uq_person_refs_workspace_id_source_ref'))
    )
    with op.batch_alter_table('person_refs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_refs_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('person_refs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_refs_person_id'))

    op.drop_table('person_refs')
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index('ix_participations_person_id_interaction_id')
        batch_op.drop_index('ix_participations_institution_id')

    op.drop_table('participations')
    with op.batch_alter_table('interaction_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interaction_topics_topic_id'))

    op.drop_table('interaction_topics')
    with op.batch_alter_table('institution_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institution_memberships_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_institution_memberships_group_id'))

    op.drop_table('institution_memberships')
    with op.batch_alter_table('expected_liaisons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expected_liaisons_workspace_id'))

    op.drop_table('expected_liaisons')
    with op.batch_alter_table('affiliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affiliations_person_id'))
        batch_op.drop_index('ix_affiliations_institution_id')

    op.drop_table('affiliations')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_workspace_id'))

    op.drop_table('users')
    op.drop_table('topics')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_workspace_id_full_name')

    op.drop_table('people')
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_workspace_id_occurred_at')

    op.drop_table('interactions')
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_workspaces_body_id_institutions'), type_='foreignkey')

    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_index('ix_institutions_workspace_id_kind')
        batch_op.drop_index('ix_institutions_name')
        batch_op.drop_index(batch_op.f('ix_institutions_departement_code'))

    op.drop_table('institutions')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_workspace_id_at')

    op.drop_table('audit_entries')
    op.drop_table('api_tokens')
    op.drop_table('analysis_cache')
    op.drop_table('workspaces')
    op.drop_table('instance_settings')
