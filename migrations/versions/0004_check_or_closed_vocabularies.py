"""closed-vocabulary CHECK constraints as OR chains instead of IN lists

SQLite builds an ephemeral lookup index for ``col IN ('a', 'b', …)`` in a CHECK for every row
written; ``col = 'a' OR col = 'b' OR …`` means the same (NULL included) and costs a fraction
(1,000,000 contacts by INSERT … SELECT: about 3.8 s for the two IN-list checks on contacts,
0.25 s as OR chains). PostgreSQL is indifferent; its constraints are replaced too so that both
databases carry the models' text (models.enums.sql_one_of).

Same constraint names. On SQLite every table concerned is rebuilt (batch mode); that is only
safe with foreign key enforcement off, which migrations/env.py sees to (a DROP TABLE with
enforcement on would delete the rows of ON DELETE CASCADE children). PostgreSQL drops and
re-adds the constraint, which validates the existing rows.

Revision ID: 0004_check_or
Revises: 0003_import_ix
Create Date: 2026-11-22 17:35:23.000000
"""

from collections.abc import Callable, Sequence

from alembic import op


revision: str = '0004_check_or'
down_revision: str | None = '0003_import_ix'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The vocabularies as they are at this revision (a migration must not follow later changes
# of models/enums.py): table -> [(constraint name suffix, column, allowed values)].
FUNCTIE = ('huisarts', 'poh-ggz', 'poh-ggz-jeugd', 'poh-somatiek', 'anders')
CHECKS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    'providers': [('functie', 'functie', FUNCTIE)],
    'users': [('role', 'role', ('poh', 'huisarts', 'teamleider', 'regio', 'beheerder'))],
    'patients': [('sex', 'sex', ('M', 'V', 'X', 'O'))],
    'user_scopes': [('level', 'level', ('provider', 'practice', 'team', 'region'))],
    'contacts': [
        ('contactvorm', 'contactvorm',
         ('consult', 'visite', 'telefonisch', 'video', 'e-consult', 'groep')),
        ('functie', 'functie', FUNCTIE),
    ],
    'referrals': [
        ('destination', 'destination',
         ('poh-ggz', 'gb-ggz', 's-ggz', 'sociaal-domein', 'ehealth', 'anders')),
    ],
}


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ', '.join(f"'{v}'" for v in values) + ')'


def _or_chain(column: str, values: tuple[str, ...]) -> str:
    return ' OR '.join(f"{column} = '{v}'" for v in values)


def _replace_checks(render: Callable[[str, tuple[str, ...]], str]) -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite and bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError(
            'rebuilding SQLite tables with foreign key enforcement on would delete the rows '
            'of ON DELETE CASCADE children; migrations/env.py turns it off'
        )
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for suffix, column, values in checks:
                name = op.f(f'ck_{table}_{suffix}')
                batch_op.drop_constraint(name, type_='check')
                batch_op.create_check_constraint(name, render(column, values))
    if sqlite:
        broken = bind.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken by the table rebuilds: {broken[:5]}')


def upgrade() -> None:
    _replace_checks(_or_chain)


def downgrade() -> None:
    _replace_checks(_in_list)
