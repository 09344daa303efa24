"""question-bank uploads kept while their import is previewed in the studio (issue 24)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Declared in tpcourse/models/authoring.py (BankUpload); see docs/question-banks.md.
    op.create_table(
        'bank_uploads',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('quiz_slug', sa.String(length=100), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('format', sa.String(length=20), nullable=False),
        sa.Column('scoring', sa.String(length=20), nullable=False),
        sa.Column('replace', sa.Boolean(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_bank_uploads_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_uploads')),
    )
    op.create_index(op.f('ix_bank_uploads_user_id'), 'bank_uploads', ['user_id'])
    op.create_index(op.f('ix_bank_uploads_created_at'), 'bank_uploads', ['created_at'])


def downgrade():
    # Pending uploads are only previews: nothing is lost that the author cannot upload again.
    op.drop_index(op.f('ix_bank_uploads_created_at'), table_name='bank_uploads')
    op.drop_index(op.f('ix_bank_uploads_user_id'), table_name='bank_uploads')
    op.drop_table('bank_uploads')
