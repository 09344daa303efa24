"""attempts.flags (questions flagged for review) and users.time_zone (times shown in it)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Both nullable, no default: existing rows mean "nothing flagged" and "not chosen yet (UTC)".
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'flags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade():
    # Flags and time zones are preferences, not records: dropping them loses no grade. A plain
    # DROP COLUMN (SQLite 3.35+ too): batch mode would copy `users` into a new table, and
    # dropping the old one is refused while other tables' foreign keys point at it.
    op.drop_column('users', 'time_zone')
    op.drop_column('attempts', 'flags')
