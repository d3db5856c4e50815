"""Tasks covering the interface types the sandbox must store and hand back unchanged."""

import typing
from dataclasses import dataclass
from datetime import timedelta

from flytekit import task


@dataclass
class Point:
    x: float
    y: float
    label: str = "p"


@task
def add_one(x: int) -> int:
    return x + 1


@task
def greet(name: str) -> str:
    return f"hello {name}"


@task
def scale(values: typing.List[float], factor: float) -> typing.List[float]:
    return [v * factor for v in values]


@task
def count_words(text: str) -> typing.Dict[str, int]:
    counts: typing.Dict[str, int] = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    return counts


@task
def make_point(x: float, y: float) -> Point:
    return Point(x=x, y=y, label="made")


@task
def norm(p: Point) -> float:
    return (p.x**2 + p.y**2) ** 0.5


@task(cache=True, cache_version="1")
def square(x: int) -> int:
    return x * x


@task(retries=2, timeout=timedelta(minutes=5))
def flaky_double(x: int) -> int:
    return 2 * x


@task
def describe(n: int, tag: str) -> str:
    return f"{tag}:{n}"
