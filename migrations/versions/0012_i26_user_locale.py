"""the interface's language per account (issue 26)

Revision ID: 0012_i26
Revises: 0011_i25
Create Date: 2026-12-03 18:30:00

`users.locale` holds the language chosen with the footer's switcher or on the profile page;
NULL (every existing account) means the browser's preference, so nobody's pages change on
upgrade. Declared in tpcourse/models/user.py; see docs/translations.md.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012_i26'
down_revision = '0011_i25'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
