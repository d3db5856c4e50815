"""A workflow mixing Python tasks (local processes by default) and a ContainerTask in the busybox
test image (its name from FLYTE_E2E_BUSYBOX_IMAGE when registered), passing an int, a FlyteFile
and a FlyteDirectory into the container's input folder and back out of its output folder."""

import os
from pathlib import Path

import flytekit
from flytekit import ContainerTask, kwtypes, task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile


@task
def make(n: int) -> tuple[int, FlyteFile, FlyteDirectory]:
    work = Path(flytekit.current_context().working_directory)
    folder = work / "made"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "sub" / "b.txt").write_text("b")
    note = work / "note.txt"
    note.write_text(f"note {n}")
    return n + 1, FlyteFile(str(note)), FlyteDirectory(str(folder))


shell = ContainerTask(
    name="incontainer.mixed.shell",
    image=os.environ.get("FLYTE_E2E_BUSYBOX_IMAGE", "localhost/flyte-e2e-busybox:unset"),
    input_data_dir="/var/inputs",
    output_data_dir="/var/outputs",
    inputs=kwtypes(n=int, note=FlyteFile, folder=FlyteDirectory),
    outputs=kwtypes(m=int, note=FlyteFile, folder=FlyteDirectory),
    command=[
        "/bin/sh", "-c",
        (
            "cd /var/inputs && echo $(( $(cat n) * 10 )) > /var/outputs/m && "
            "cp note /var/outputs/note && echo ' (container)' >> /var/outputs/note && "
            "cp -r folder /var/outputs/folder && ls folder > /var/outputs/folder/listing.txt"
        ),
    ],
)


@task
def read(m: int, note: FlyteFile, folder: FlyteDirectory) -> str:
    with open(note.download()) as f:
        text = f.read()
    local = Path(folder.download())
    files = sorted(str(p.relative_to(local)) for p in local.rglob("*") if p.is_file())
    return f"{m}|{text}|{','.join(files)}"


@workflow
def mixed_wf(n: int) -> str:
    a, b, c = make(n=n)
    m, note, folder = shell(n=a, note=b, folder=c)
    return read(m=m, note=note, folder=folder)
