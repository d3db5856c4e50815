"""Workflows the console tests launch from the browser: one input of each simple type the launch
form has a widget for, and a launch plan with a schedule (daily, so activating it launches
nothing during a test)."""

import datetime
import enum

from flytekit import CronSchedule, LaunchPlan, task, workflow


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@task
def describe(
    i: int,
    f: float,
    s: str,
    b: bool,
    when: datetime.datetime,
    wait: datetime.timedelta,
    c: Color,
    xs: list[int],
    m: dict[str, float],
) -> str:
    """The values as the task received them, one per line."""
    return "\n".join(
        [
            f"i={i!r}",
            f"f={f!r}",
            f"s={s!r}",
            f"b={b!r}",
            f"when={when.astimezone(datetime.UTC).isoformat()}",
            f"wait={wait.total_seconds()!r}",
            f"c={c.value}",
            f"xs={xs!r}",
            f"m={sorted(m.items())!r}",
        ]
    )


@workflow
def typed_wf(
    i: int,
    f: float = 0.5,
    s: str = "hi",
    b: bool = False,
    when: datetime.datetime = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    wait: datetime.timedelta = datetime.timedelta(seconds=90),
    c: Color = Color.GREEN,
    xs: list[int] = [1, 2],  # noqa: B006 (flytekit turns defaults into the interface's literals)
    m: dict[str, float] = {"a": 1.0},  # noqa: B006
) -> str:
    return describe(i=i, f=f, s=s, b=b, when=when, wait=wait, c=c, xs=xs, m=m)


typed_daily = LaunchPlan.get_or_create(
    typed_wf,
    name="console.workflows.typed_daily",
    schedule=CronSchedule(schedule="0 3 * * *"),
    default_inputs={"i": 1},
)
