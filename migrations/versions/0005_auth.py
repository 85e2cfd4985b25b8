"""access control: revoked tokens, failed logins, audit log columns and append-only triggers

- ``revoked_tokens``: tokens withdrawn by a logout, by their id (JWT ``jti``), kept until they
  would have expired anyway.
- ``login_failures``: failed logins per account and client address, for the lock-out.
- ``users.tokens_not_before``: tokens issued before a password change are refused.
- ``audit_log`` gets the caller's role, the outcome, the scope concerned and the pseudonyms
  concerned (NEN 7513), and becomes append-only in the database itself: triggers refuse every
  UPDATE and DELETE (and, on PostgreSQL, TRUNCATE). On SQLite a later migration that rebuilds
  ``audit_log`` in batch mode must create the triggers again.
- ``user_scopes.level`` also allows ``all`` (the whole installation; key ``visible`` or ``own``).

Revision ID: 0005_auth
Revises: 0004_check_or
Create Date: 2026-12-02 14:22:29.589800
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005_auth'
down_revision: str | None = '0004_check_or'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS_BEFORE = ('provider', 'practice', 'team', 'region')
LEVELS_AFTER = (*LEVELS_BEFORE, 'all')
APPEND_ONLY = 'audit_log is append-only (NEN 7513): UPDATE and DELETE are refused'


def _or_chain(column: str, values: tuple[str, ...]) -> str:
    return ' OR '.join(f"{column} = '{v}'" for v in values)


def _level_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('user_scopes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_scopes_level'), type_='check')
        batch_op.create_check_constraint(op.f('ck_user_scopes_level'), _or_chain('level', values))


def _create_triggers() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            'CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log '
            'FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()'
        )
        op.execute(
            'CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log '
            'FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()'
        )
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log '
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log')
        op.execute('DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log')
        op.execute('DROP FUNCTION IF EXISTS audit_log_append_only()')
    else:
        op.execute('DROP TRIGGER IF EXISTS audit_log_no_update')
        op.execute('DROP TRIGGER IF EXISTS audit_log_no_delete')


def upgrade() -> None:
    op.create_table('login_failures',
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_ip_at', ['ip', 'at'], unique=False)
        batch_op.create_index('ix_login_failures_username_at', ['username', 'at'], unique=False)

    op.create_table('revoked_tokens',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_revoked_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('jti', name=op.f('pk_revoked_tokens'))
    )
    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_tokens_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), server_default='success', nullable=False))
        batch_op.add_column(sa.Column('scope', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('pseudonyms', sa.JSON(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens_not_before', sa.DateTime(timezone=True), nullable=True))

    _level_check(LEVELS_AFTER)
    _create_triggers()


def downgrade() -> None:
    _drop_triggers()
    op.execute("DELETE FROM user_scopes WHERE level = 'all'")
    _level_check(LEVELS_BEFORE)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('tokens_not_before')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('pseudonyms')
        batch_op.drop_column('scope')
        batch_op.drop_column('outcome')
        batch_op.drop_column('role')

    with op.batch_alter_table('revoked_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_tokens_expires_at'))

    op.drop_table('revoked_tokens')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_username_at')
        batch_op.drop_index('ix_login_failures_ip_at')

    op.drop_table('login_failures')
