"""grading by hand, practical assessments with rubrics and evidence, live sessions (issue 25)

Revision ID: 0011_i25
Revises: 0011_i21
Create Date: 2026-12-03 14:09:27

New tables, and one nullable column on attempts (regraded_at); nothing existing changes
meaning. Declared in tpcourse/models/grading.py, certification.py (skill_signoffs.levels and .place,
skill_evidence) and sessions.py, and completion_records.hands_on_hours (docs/grading.md).

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011_i25'
down_revision = '0011_i21'
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


    op.create_table('practical_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_practical_sessions_course_id_courses')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practical_sessions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_sessions'))
    )
    with op.batch_alter_table('practical_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_practical_sessions_course_start', ['course_id', 'starts_at'], unique=False)

    op.create_table('skill_evidence',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('skill_key', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_skill_evidence_course_id_courses')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_skill_evidence_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_skill_evidence_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_evidence')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_skill_evidence_storage_key'))
    )
    with op.batch_alter_table('skill_evidence', schema=None) as batch_op:
        batch_op.create_index('ix_skill_evidence_user_course', ['user_id', 'course_id'], unique=False)

    op.create_table('session_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('signed_up_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_session_signups_marked_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['practical_sessions.id'], name=op.f('fk_session_signups_session_id_practical_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_signups_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_signups')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_session_signups_session_id_user_id'))
    )
    with op.batch_alter_table('session_signups', schema=None) as batch_op:
        batch_op.create_index('ix_session_signups_user', ['user_id'], unique=False)

    with op.batch_alter_table('skill_signoffs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('levels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('place', sa.String(length=200), server_default='', nullable=False))

    with op.batch_alter_table('completion_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hands_on_hours', sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table('completion_records', schema=None) as batch_op:
        batch_op.drop_column('hands_on_hours')

    with op.batch_alter_table('skill_signoffs', schema=None) as batch_op:
        batch_op.drop_column('place')
        batch_op.drop_column('levels')

    with op.batch_alter_table('session_signups', schema=None) as batch_op:
        batch_op.drop_index('ix_session_signups_user')

    op.drop_table('session_signups')
    with op.batch_alter_table('skill_evidence', schema=None) as batch_op:
        batch_op.drop_index('ix_skill_evidence_user_course')

    op.drop_table('skill_evidence')
    with op.batch_alter_table('practical_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_practical_sessions_course_start')

    op.drop_table('practical_sessions')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_column('regraded_at')

    with op.batch_alter_table('grade_overrides', schema=None) as batch_op:
        batch_op.drop_index('ix_grade_overrides_attempt')

    op.drop_table('grade_overrides')
    op.drop_table('essay_grades')
