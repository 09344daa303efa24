"""certification cycles: records carry a cycle and the record they renew; courses store their
renewal and sequencing settings; holders choose whether verification names a newer code;
cohorts may have a deadline; an accommodation may lift sequencing locks (issue 21)

Revision ID: 0011_i21
Revises: 0011_i20c
Create Date: 2026-12-03 14:30:00

Every existing record becomes cycle 1 and renews nothing, so every certificate code stays
valid and verifies as before. The unique (user, course) becomes (user, course, cycle).
Declared in tpcourse/models/record.py, course.py and user.py; see docs/certificates.md.

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011_i21'
down_revision = '0011_i20c'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('completion_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('renews_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint('uq_completion_records_user_id_course_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_completion_records_user_id_course_id_cycle'),
                                          ['user_id', 'course_id', 'cycle'])
        batch_op.create_unique_constraint(batch_op.f('uq_completion_records_renews_id'),
                                          ['renews_id'])
        batch_op.create_foreign_key(batch_op.f('fk_completion_records_renews_id_completion_records'),
                                    'completion_records', ['renews_id'], ['id'])
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal', JSON, nullable=True))
        batch_op.add_column(sa.Column('sequencing', JSON, nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_renewed_codes', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Credentials that belong to the school: its own web address in its issuer profile.
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('website_url', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('logo_image', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('signature_image', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('certificate_template', JSON, nullable=True))
    # Sequencing: a cohort's deadline, and an accommodation that lifts the locks.
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('accommodations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lift_locks', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    # Renewal records (cycle 2 and later) cannot live under one record per trainee and course:
    # refuse rather than delete certificates people hold. Export them first, then revoke and
    # remove them by hand if going back is really wanted.
    renewals = op.get_bind().execute(
        sa.text('SELECT COUNT(*) FROM completion_records WHERE cycle > 1')).scalar()
    if renewals:
        raise RuntimeError(f'{renewals} renewal record(s) exist (cycle > 1): downgrading below '
                           '0011_i21 would have to delete certificates; refused')
    with op.batch_alter_table('accommodations', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('lift_locks')
    with op.batch_alter_table('schools', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('certificate_template')
        batch_op.drop_column('signature_image')
        batch_op.drop_column('logo_image')
        batch_op.drop_column('website_url')
    with op.batch_alter_table('cohorts', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('deadline')
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('share_renewed_codes')
    with op.batch_alter_table('course_versions', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('sequencing')
        batch_op.drop_column('renewal')
    with op.batch_alter_table('completion_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_completion_records_renews_id_completion_records'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_completion_records_renews_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_completion_records_user_id_course_id_cycle'),
                                 type_='unique')
        batch_op.create_unique_constraint('uq_completion_records_user_id_course_id',
                                          ['user_id', 'course_id'])
        batch_op.drop_column('renews_id')
        batch_op.drop_column('cycle')
