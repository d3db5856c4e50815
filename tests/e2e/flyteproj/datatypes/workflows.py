"""Workflows of tests/e2e/test_execution_types.py: values of each flytekit type family passed
between tasks run by the sandbox's engine, given as workflow inputs and returned as outputs.

The package is `datatypes`, not `types`: a top-level package named `types` shadows the standard
library module (flytekit cannot even be imported with it on sys.path).
"""

import enum
import os
import typing
from dataclasses import dataclass, field

import pandas as pd
from flytekit import current_context, task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

# --------------------------------------------------------------------------- dataclasses
# flytekit 1.16 sends dataclasses as msgpack `Binary` literals; attribute access on a promise
# (`moved.origin.x`, `moved.points[0]`) becomes a binding `OutputReference.attr_path` that the
# engine resolves inside that msgpack value.


@dataclass
class Point:
    x: int
    y: float


@dataclass
class Shape:
    name: str
    origin: Point
    points: typing.List[Point]
    tags: typing.List[str] = field(default_factory=list)


@task
def make_shape(name: str, n: int) -> Shape:
    return Shape(
        name=name,
        origin=Point(x=n, y=n / 2),
        points=[Point(x=i, y=i * 1.5) for i in range(n)],
        tags=[f"t{i}" for i in range(n)],
    )


@task
def move_shape(s: Shape, dx: int) -> Shape:
    return Shape(
        name=f"{s.name}-moved",
        origin=Point(x=s.origin.x + dx, y=s.origin.y),
        points=[Point(x=p.x + dx, y=p.y) for p in s.points] + [Point(x=99, y=0.25)],
        tags=s.tags + ["moved"],
    )


@task
def describe_point(p: Point) -> str:
    return f"({p.x}, {p.y})"


@task
def times_ten(v: int) -> int:
    return v * 10


@task
def join_tags(tags: typing.List[str]) -> str:
    return ",".join(tags)


@workflow
def dataclass_wf(name: str, n: int, given: Shape) -> typing.Tuple[Shape, str, int, str, str, Shape, str, Point]:
    moved = move_shape(s=make_shape(name=name, n=n), dx=10)
    origin = describe_point(p=moved.origin)  # attr_path ["origin"]
    x10 = times_ten(v=moved.origin.x)  # attr_path ["origin", "x"]
    second = describe_point(p=moved.points[1])  # attr_path ["points", 1]
    tags = join_tags(tags=moved.tags)  # attr_path ["tags"]
    given_moved = move_shape(s=given, dx=1)
    given_origin = describe_point(p=given.origin)  # attr_path on a workflow input
    # The last output is bound with an attr_path too (the end node resolves it).
    return moved, origin, x10, second, tags, given_moved, given_origin, moved.points[0]


# --------------------------------------------------------------------------- List / Dict


@task
def double_all(xs: typing.List[int]) -> typing.List[int]:
    return [2 * x for x in xs]


@task
def sum_all(xs: typing.List[int]) -> int:
    return sum(xs)


@task
def scale_values(d: typing.Dict[str, float], factor: float) -> typing.Dict[str, float]:
    return {k: v * factor for k, v in d.items()}


@task
def describe_dict(d: typing.Dict[str, float]) -> str:
    return ";".join(f"{k}={d[k]}" for k in sorted(d))


@workflow
def collections_wf(
    xs: typing.List[int], d: typing.Dict[str, float]
) -> typing.Tuple[typing.List[int], int, typing.Dict[str, float], str]:
    doubled = double_all(xs=xs)
    scaled = scale_values(d=d, factor=2.5)
    return doubled, sum_all(xs=doubled), scaled, describe_dict(d=scaled)


# --------------------------------------------------------------------------- Optional


@task
def maybe_increment(x: typing.Optional[int]) -> typing.Optional[int]:
    return None if x is None else x + 1


@task
def describe_optional(x: typing.Optional[int]) -> str:
    return "nothing" if x is None else f"got {x}"


@workflow
def optional_wf(x: typing.Optional[int] = None) -> typing.Tuple[typing.Optional[int], str]:
    once = maybe_increment(x=x)
    twice = maybe_increment(x=once)
    return twice, describe_optional(x=twice)


# --------------------------------------------------------------------------- Enum


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


@task
def next_color(c: Color) -> Color:
    order = list(Color)
    return order[(order.index(c) + 1) % len(order)]


@task
def color_name(c: Color) -> str:
    return f"{c.name}/{c.value}"


@workflow
def enum_wf(c: Color) -> typing.Tuple[Color, str, Color]:
    after = next_color(c=c)
    return after, color_name(c=after), next_color(c=after)


# --------------------------------------------------------------------------- FlyteFile


@task
def write_note(text: str) -> FlyteFile:
    path = os.path.join(current_context().working_directory, "note.txt")
    with open(path, "w") as f:
        f.write(text)
    return FlyteFile(path)


@task
def append_note(f: FlyteFile, more: str) -> FlyteFile:
    with open(f) as src:
        text = src.read()
    path = os.path.join(current_context().working_directory, "longer-note.txt")
    with open(path, "w") as dst:
        dst.write(text + more)
    return FlyteFile(path)


@task
def read_note(f: FlyteFile) -> str:
    with open(f) as src:
        return src.read()


@workflow
def file_wf(text: str, given: FlyteFile) -> typing.Tuple[FlyteFile, str, str, FlyteFile]:
    longer = append_note(f=write_note(text=text), more=" (appended)")
    given_longer = append_note(f=given, more=" (seen by a task)")
    return longer, read_note(f=longer), read_note(f=given), given_longer


# --------------------------------------------------------------------------- FlyteDirectory


def _listing(path: str) -> typing.List[str]:
    out = []
    for root, _, files in os.walk(path):
        for name in files:
            full = os.path.join(root, name)
            with open(full) as f:
                out.append(f"{os.path.relpath(full, path)}={f.read()}")
    return sorted(out)


@task
def make_dir(names: typing.List[str]) -> FlyteDirectory:
    path = os.path.join(current_context().working_directory, "made")
    os.makedirs(os.path.join(path, "sub"), exist_ok=True)
    for name in names:
        with open(os.path.join(path, f"{name}.txt"), "w") as f:
            f.write(name.upper())
    with open(os.path.join(path, "sub", "nested.txt"), "w") as f:
        f.write("deep")
    return FlyteDirectory(path)


@task
def add_to_dir(d: FlyteDirectory, name: str) -> FlyteDirectory:
    src = d.download()
    path = os.path.join(current_context().working_directory, "grown")
    os.makedirs(path, exist_ok=True)
    for entry in _listing(src):
        rel, content = entry.split("=", 1)
        os.makedirs(os.path.dirname(os.path.join(path, rel)), exist_ok=True)
        with open(os.path.join(path, rel), "w") as f:
            f.write(content)
    with open(os.path.join(path, f"{name}.txt"), "w") as f:
        f.write(name.upper())
    return FlyteDirectory(path)


@task
def list_dir(d: FlyteDirectory) -> typing.List[str]:
    return _listing(d.download())


@workflow
def dir_wf(names: typing.List[str], given: FlyteDirectory) -> typing.Tuple[FlyteDirectory, typing.List[str], typing.List[str]]:
    grown = add_to_dir(d=make_dir(names=names), name="extra")
    return grown, list_dir(d=grown), list_dir(d=add_to_dir(d=given, name="added"))


# --------------------------------------------------------------------------- pandas DataFrame
# (structured dataset: parquet files under the raw output prefix, passed by reference)


@task
def make_frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"i": list(range(n)), "name": [f"row{i}" for i in range(n)]})


@task
def add_square(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["sq"] = out["i"] * out["i"]
    return out


@task
def frame_summary(df: pd.DataFrame) -> str:
    return f"{len(df)} rows; columns {','.join(df.columns)}; sum {int(df.select_dtypes('number').sum().sum())}"


@workflow
def frame_wf(n: int, given: pd.DataFrame) -> typing.Tuple[pd.DataFrame, str, pd.DataFrame, str]:
    squared = add_square(df=make_frame(n=n))
    given_squared = add_square(df=given)
    return squared, frame_summary(df=squared), given_squared, frame_summary(df=given_squared)
