"""A task of type `sidecar`, as flytekitplugins-pod's `Pod` serializes one (task type version 2: the
whole pod as the task's k8s_pod target, its primary container named in the config): a primary
container and a second one beside it. Made here with flytekit's own classes, so the test venv needs
no plugin package; tests/e2e/test_kubernetes.py sends `sidecar` to the pod plugin."""

import os

from flytekit import PodTemplate, workflow
from flytekit.core.python_function_task import PythonFunctionTask
from kubernetes.client import V1Container, V1EnvVar, V1PodSpec

SIDECAR_IMAGE = os.environ.get("FLYTE_E2E_BUSYBOX_IMAGE", "busybox")

POD = PodTemplate(
    primary_container_name="primary",
    pod_spec=V1PodSpec(containers=[
        V1Container(name="primary", env=[V1EnvVar(name="BESIDE", value="a sidecar")]),
        V1Container(name="beside", image=SIDECAR_IMAGE, command=["/bin/sh", "-c", "echo sidecar up; sleep 1"]),
    ]),
)


def with_sidecar(x: int) -> str:
    return f"{x} beside {os.environ.get('BESIDE')}"


with_sidecar = PythonFunctionTask(task_config=None, task_function=with_sidecar, task_type="sidecar",
                                  task_type_version=2, pod_template=POD)


@workflow
def sidecar_wf(x: int) -> str:
    return with_sidecar(x=x)
