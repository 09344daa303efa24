"""course drafts: courses made and edited in the browser before they are published (issue 20)

Revision ID: 0011_i20c
Revises: 0011
Create Date: 2026-12-03 14:30:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011_i20c'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Declared in tpcourse/models/authoring.py (CourseDraft); see docs/course-administration.md.
    op.create_table(
        'course_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                  nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'],
                                name=op.f('fk_course_drafts_course_id_courses')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_course_drafts_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_course_drafts')),
        sa.UniqueConstraint('course_id', name=op.f('uq_course_drafts_course_id')),
    )


def downgrade():
    # Drafts are unpublished edits: published versions, and courses, stay.
    op.drop_table('course_drafts')
