"""course versions state hands-on time, hands-on CE hours and CE approval; modules mark safety

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Declared in tpcourse/models/course.py; see docs/certificates.md. Existing versions earned
    # all their CE hours by home study and claim no approval, which the defaults say.
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hands_on_minutes', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('hands_on_ce_hours', sa.Double(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column(
            'ce_approval', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                  'postgresql'), nullable=True))
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safety', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    # recreate='never': SQLite (3.35+) drops a column in place. Recreating the table instead
    # would fail on the foreign keys of the modules and records that point at its rows.
    with op.batch_alter_table('modules', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('safety')
    with op.batch_alter_table('course_versions', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('ce_approval')
        batch_op.drop_column('hands_on_ce_hours')
        batch_op.drop_column('hands_on_minutes')
