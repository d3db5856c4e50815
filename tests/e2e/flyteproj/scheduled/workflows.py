"""Launch plans with schedules: the smallest fixed rate flytekit allows, and a cron of every minute.
Each run returns the kick-off time it was given."""

from datetime import datetime, timedelta

from flytekit import CronSchedule, FixedRate, LaunchPlan, task, workflow


@task
def stamp(kickoff: datetime) -> str:
    return kickoff.isoformat()


@workflow
def stamp_wf(kickoff: datetime) -> str:
    return stamp(kickoff=kickoff)


every_minute = LaunchPlan.get_or_create(
    stamp_wf, name="scheduled.every_minute",
    schedule=FixedRate(duration=timedelta(minutes=1), kickoff_time_input_arg="kickoff"))

cron_minute = LaunchPlan.get_or_create(
    stamp_wf, name="scheduled.cron_minute",
    schedule=CronSchedule(schedule="* * * * *", kickoff_time_input_arg="kickoff"))
