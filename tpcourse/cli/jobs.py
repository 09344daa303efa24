"""flask jobs worker | scheduler | run | failed | retry | schedule: the background jobs."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

jobs_cli = AppGroup("jobs", help="Background jobs: workers, the schedule, failed jobs.")


def _redis_adapter():
    from ..services.jobs import adapter

    found = adapter()
    if not current_app.config.get("TPCOURSE_JOBS_REDIS_URL"):
        raise click.ClickException(_(
            "No queue is configured (TPCOURSE_JOBS_REDIS_URL): jobs run inside the app "
            "process, so there is nothing for a worker to do. Set TPCOURSE_JOBS_REDIS_URL="
            "redis://127.0.0.1:6379/0 on the app and the workers."))
    return found


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@click.option("--no-scheduler", is_flag=True,
              help="Do not move delayed jobs and retries onto the queue from this worker.")
def jobs_worker(burst: bool, no_scheduler: bool) -> None:
    """Run a worker: take jobs from the Redis queue and run them (any number, any host)."""
    from rq import Worker

    from ..services.jobs import registry, runner

    found = _redis_adapter()
    registry.load_all()
    runner.use_app(current_app._get_current_object())
    worker = Worker([found.queue], connection=found.connection)
    click.echo(_("Worker %(worker)s on %(queue)s.", worker=worker.name, queue=found.name))
    worker.work(burst=burst, with_scheduler=not no_scheduler, logging_level="INFO")


@jobs_cli.command("scheduler")
def jobs_scheduler() -> None:
    """Run the scheduler: enqueue the scheduled jobs on time (run one for the whole site)."""
    from rq.cron import CronScheduler

    from ..services.jobs.schedule import register_with_rq

    found = _redis_adapter()
    scheduler = CronScheduler(connection=found.connection, name=f"tpcourse-{found.queue_name}")
    register_with_rq(scheduler, found.queue_name)
    click.echo(_("Scheduler on %(queue)s.", queue=found.name))
    scheduler.start()


@jobs_cli.command("schedule")
def jobs_schedule() -> None:
    """List the scheduled jobs."""
    from ..services.jobs.schedule import SCHEDULE

    for entry in SCHEDULE:
        when = (f"cron {entry.cron}" if entry.cron
                else _("every %(seconds)d s", seconds=entry.interval))
        click.echo(f"{entry.job:22} {when:18} {_(entry.purpose)}")


@jobs_cli.command("run")
@click.argument("name")
@click.argument("args", nargs=-1)
def jobs_run(name: str, args: tuple[str, ...]) -> None:
    """Run a job now in this process (arguments as JSON values), e.g. `jobs run jobs.sweep`."""
    from ..services.jobs import registry, runner

    try:
        registry.spec_for(name)
    except KeyError:
        raise click.ClickException(_("No job named %(name)s; `flask jobs schedule` lists the "
                                     "scheduled ones.", name=repr(name))) from None
    values = [json.loads(a) if a[:1] in "[{0123456789-\"" else a for a in args]
    result = runner.run_call(current_app._get_current_object(), name, values)
    click.echo(f"{name}: {result}")


@jobs_cli.command("failed")
def jobs_failed() -> None:
    """List jobs that failed after their last try, with their error."""
    from ..services.jobs import adapter

    failed = adapter().failed()
    for job in failed:
        click.echo(f"{job.id}  {job.name}{job.args}  {job.failed_at}  {job.error}")
    click.echo(ngettext("%(num)d failed job.", "%(num)d failed jobs.", len(failed)))


@jobs_cli.command("retry")
@click.argument("job_id")
def jobs_retry(job_id: str) -> None:
    """Put a failed job back on the queue."""
    from ..services.jobs import adapter

    if not adapter().retry(job_id):
        raise click.ClickException(_("No failed job %(id)s.", id=job_id))
    click.echo(_("Job %(id)s queued again.", id=job_id))
