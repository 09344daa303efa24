"""audit events waiting to be chained (grades are logged without the chain's head lock)

Revision ID: 0004
Revises: 0003e
Create Date: 2026-11-24 23:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003e'
branch_labels = None
depends_on = None


def upgrade():
    # Declared in tpcourse/models/school.py (AuditPending); see docs/performance.md.
    op.create_table(
        'audit_pending',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=254), nullable=True),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                    'postgresql'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_pending')),
    )


def downgrade():
    # Events still waiting are chained first (`flask audit seal`), or they would be lost.
    bind = op.get_bind()
    waiting = bind.execute(sa.text('SELECT COUNT(*) FROM audit_pending')).scalar()
    if waiting:
        raise RuntimeError(f'{waiting} audit event(s) are waiting to be chained: run '
                           '`flask audit seal` before downgrading.')
    op.drop_table('audit_pending')
