"""grading by hand, practical assessments with rubrics and evidence, live sessions (issue 25)

Revision ID: 0011_i25
Revises: 0010
Create Date: 2026-12-03 14:09:27

New tables, and one nullable column on attempts (regraded_at); nothing existing changes
meaning. Declared in tpcourse/models/grading.py (docs/grading.md).

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011_i25'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('essay_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('grader_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('criteria', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('points', sa.Double(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_essay_grades_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grader_id'], ['users.id'], name=op.f('fk_essay_grades_grader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_essay_grades')),
    sa.UniqueConstraint('attempt_id', 'question_id', name=op.f('uq_essay_grades_attempt_id_question_id'))
    )
    op.create_table('grade_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.String(length=32), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('from_score', sa.Double(), nullable=True),
    sa.Column('from_percent', sa.Double(), nullable=True),
    sa.Column('from_passed', sa.Boolean(), nullable=True),
    sa.Column('to_score', sa.Double(), nullable=False),
    sa.Column('to_percent', sa.Double(), nullable=False),
    sa.Column('to_passed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_grade_overrides_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_grade_overrides_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_overrides'))
    )
    with op.batch_alter_table('grade_overrides', schema=None) as batch_op:
        batch_op.create_index('ix_grade_overrides_attempt', ['attempt_id'], unique=False)

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regraded_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_column('regraded_at')

    with op.batch_alter_table('grade_overrides', schema=None) as batch_op:
        batch_op.drop_index('ix_grade_overrides_attempt')

    op.drop_table('grade_overrides')
    op.drop_table('essay_grades')
