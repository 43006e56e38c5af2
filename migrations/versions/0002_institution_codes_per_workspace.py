"""SIREN and INSEE codes unique per scope: the referential, and each workspace.

Two workspaces may now each create the same local institution (a chamber, an association, the
same PETR tracked twice), and a later referential may list a body a workspace created first.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENTIAL = sa.text("workspace_id IS NULL")
LOCAL = sa.text("workspace_id IS NOT NULL")
SCOPED = (("siren", ["siren"]), ("kind_insee_code", ["kind", "insee_code"]))


def upgrade() -> None:
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_institutions_siren", type_="unique")
        batch_op.drop_constraint("uq_institutions_kind_insee_code", type_="unique")
        for name, columns in SCOPED:
            batch_op.create_index(f"ix_institutions_{name}", columns, unique=False)
            batch_op.create_index(f"ux_institutions_referential_{name}", columns, unique=True,
                                  sqlite_where=REFERENTIAL, postgresql_where=REFERENTIAL)
            batch_op.create_index(f"ux_institutions_workspace_{name}", ["workspace_id", *columns], unique=True,
                                  sqlite_where=LOCAL, postgresql_where=LOCAL)


def downgrade() -> None:
    # Fails, as it must, when two workspaces hold the same code: the old schema cannot store that.
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        for name, _columns in SCOPED:
            batch_op.drop_index(f"ux_institutions_workspace_{name}")
            batch_op.drop_index(f"ux_institutions_referential_{name}")
            batch_op.drop_index(f"ix_institutions_{name}")
        batch_op.create_unique_constraint("uq_institutions_kind_insee_code", ["kind", "insee_code"])
        batch_op.create_unique_constraint("uq_institutions_siren", ["siren"])
