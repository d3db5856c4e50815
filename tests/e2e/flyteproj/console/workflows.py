"""Workflows the console tests launch from the browser: one input of each simple type the launch
form has a widget for, and a launch plan with a schedule (daily, so activating it launches
nothing during a test); rich_wf takes the types with widgets of their own beyond those: unions,
files, folders, a dataframe, a dataclass, lists and maps of them."""

import dataclasses
import datetime
import enum
import os
import typing

import pandas as pd
from flytekit import CronSchedule, LaunchPlan, task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


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


@dataclasses.dataclass
class Point:
    x: int
    y: float
    label: str = "p"


@task
def inspect_rich(
    u: typing.Union[int, str],
    maybe: typing.Optional[int],
    doc: FlyteFile,
    folder: FlyteDirectory,
    frame: pd.DataFrame,
    p: Point,
    files: list[FlyteFile],
    counts: dict[str, typing.Optional[int]],
) -> str:
    """What the task received, one line each; files, folders and frames by their content."""

    def read(f: FlyteFile) -> str:
        with open(f.download(), encoding="utf-8") as text:
            return text.read()

    root = folder.download()
    listing = sorted(
        (os.path.relpath(os.path.join(d, n), root), open(os.path.join(d, n), encoding="utf-8").read())
        for d, _, names in os.walk(root)
        for n in names
    )
    return "\n".join(
        [
            f"u={u!r}",
            f"maybe={maybe!r}",
            f"doc={read(doc)!r}",
            f"folder={listing!r}",
            f"frame={frame.to_dict(orient='list')!r}",
            f"p={p!r}",
            f"files={[read(f) for f in files]!r}",
            f"counts={sorted(counts.items())!r}",
        ]
    )


@workflow
def rich_wf(
    doc: FlyteFile,
    folder: FlyteDirectory,
    frame: pd.DataFrame,
    files: list[FlyteFile],
    u: typing.Union[int, str] = 3,
    maybe: typing.Optional[int] = None,
    p: Point = Point(x=1, y=2.0),  # noqa: B008 (flytekit turns defaults into the interface's literals)
    counts: dict[str, typing.Optional[int]] = {"a": 1},  # noqa: B006
) -> str:
    return inspect_rich(u=u, maybe=maybe, doc=doc, folder=folder, frame=frame, p=p, files=files, counts=counts)
