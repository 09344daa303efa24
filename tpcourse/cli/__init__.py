"""flask CLI commands: one module per command group, each a thin call into services."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI, each speaking the operator's language."""
    from .audit import audit_cli
    from .backup import backup_cli
    from .certificates import certificates_cli
    from .common import speak_operator_language
    from .content import content_cli
    from .courses import courses_cli
    from .demo import demo_command
    from .export import export_cli
    from .jobs import jobs_cli
    from .lti import lti_cli
    from .quiz import quiz_cli
    from .records import records_cli
    from .reminders import reminders_cli
    from .users import users_cli

    for command in (content_cli, users_cli, demo_command, quiz_cli, export_cli, records_cli,
                    audit_cli, reminders_cli, certificates_cli, backup_cli, lti_cli, jobs_cli,
                    courses_cli):
        speak_operator_language(command)
        app.cli.add_command(command)
