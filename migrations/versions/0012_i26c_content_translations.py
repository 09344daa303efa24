"""translated course content kept with the course version it belongs to (issue 26)

Revision ID: 0012_i26c
Revises: 0012_i26
Create Date: 2026-12-03 18:40:00

One new table, `content_translations`: each translation file of a course version (a lesson's
`.es.md`, `module.es.yaml`, `course.es.yaml`) as written, with its translated texts when it
was current. Nothing existing changes; versions stored before it have no translations and
are shown in their source language. Declared in tpcourse/models/course.py; see
docs/content-format.md, "Translations". Quiz translations live in the quiz version's data.

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0012_i26c'
down_revision = '0012_i26'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_version_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=250), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['course_version_id'], ['course_versions.id'], name=op.f('fk_content_translations_course_version_id_course_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_translations')),
    sa.UniqueConstraint('course_version_id', 'path', name=op.f('uq_content_translations_course_version_id_path'))
    )
    with op.batch_alter_table('content_translations', schema=None) as batch_op:
        batch_op.create_index('ix_content_translations_version_locale', ['course_version_id', 'locale'], unique=False)


def downgrade():
    with op.batch_alter_table('content_translations', schema=None) as batch_op:
        batch_op.drop_index('ix_content_translations_version_locale')

    op.drop_table('content_translations')
