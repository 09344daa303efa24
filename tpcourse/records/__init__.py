"""Pure record formats: completion exports, Open Badges, signing and the audit chain.

Nothing here imports Flask, SQLAlchemy or another tpcourse package; see docs/records.md.
"""
