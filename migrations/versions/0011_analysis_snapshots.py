"""analysis_snapshots: item analysis kept between page loads, refreshed in the background

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:30:00

A new table only; a snapshot is derived data (the attempts are the record), so dropping it on
downgrade loses nothing: the page computes the analysis again.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'analysis_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('quiz_version_id', sa.Integer(), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('graded', sa.Integer(), nullable=False),
        sa.Column('last_submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('score_sum', sa.Double(), nullable=True),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('report', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['quiz_version_id'], ['quiz_versions.id'],
                                name=op.f('fk_analysis_snapshots_quiz_version_id_quiz_versions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_analysis_snapshots')),
        sa.UniqueConstraint('quiz_version_id', 'mode', name='uq_analysis_snapshots_version_mode'),
    )


def downgrade():
    op.drop_table('analysis_snapshots')
