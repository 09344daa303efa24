"""indexes for the hot read queries (item analysis, attempt counts, dated exports)

Revision ID: 0003e
Revises: 0002
Create Date: 2026-11-24 15:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0003e'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Declared in tpcourse/models/indexes.py; see docs/performance.md for the plans.
    op.create_index('ix_attempts_version_status', 'attempts', ['quiz_version_id', 'status'])
    op.create_index('ix_attempts_quiz_status', 'attempts', ['quiz_id', 'status'])
    op.create_index('ix_completion_records_completed_at', 'completion_records', ['completed_at'])


def downgrade():
    op.drop_index('ix_completion_records_completed_at', table_name='completion_records')
    op.drop_index('ix_attempts_quiz_status', table_name='attempts')
    op.drop_index('ix_attempts_version_status', table_name='attempts')
