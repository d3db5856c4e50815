"""A Python task with flytekit's pod_template (the Kubernetes client's models): its labels,
annotations, a toleration, an environment variable and its primary container's resources are on
the pod the test's sandbox makes for it (tests/e2e/test_kubernetes.py)."""

import os

from flytekit import PodTemplate, Resources, task, workflow
from kubernetes.client import V1Container, V1EnvVar, V1PodSpec, V1Toleration

TEMPLATE = PodTemplate(
    primary_container_name="primary",
    labels={"team": "e2e"},
    annotations={"e2e/reason": "pod template"},
    pod_spec=V1PodSpec(
        containers=[V1Container(name="primary", env=[V1EnvVar(name="FROM_TEMPLATE", value="yes")])],
        tolerations=[V1Toleration(key="e2e", operator="Exists", effect="NoSchedule")],
    ),
)


@task(pod_template=TEMPLATE, requests=Resources(cpu="100m", mem="100Mi"), limits=Resources(cpu="1", mem="500Mi"))
def templated(x: int) -> str:
    return f"{x} {os.environ.get('FROM_TEMPLATE')}"


@workflow
def templated_wf(x: int) -> str:
    return templated(x=x)
