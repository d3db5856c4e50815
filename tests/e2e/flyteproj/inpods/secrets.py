"""A Python task reading two Kubernetes secrets through flytekit (tests/e2e/test_kubernetes.py makes
Secret `e2e-db`): one as an environment variable, one as a file, and a third whose Secret does not
exist, which flytekit reports missing."""

from flytekit import Secret, current_context, task, workflow

PASSWORD = Secret(group="e2e-db", key="password", mount_requirement=Secret.MountType.ENV_VAR)
TOKEN = Secret(group="e2e-db", key="token", mount_requirement=Secret.MountType.FILE)
ABSENT = Secret(group="e2e-absent", key="nothing", mount_requirement=Secret.MountType.FILE)


@task(secret_requests=[PASSWORD, TOKEN, ABSENT])
def read_secrets() -> str:
    secrets = current_context().secrets
    try:
        secrets.get("e2e-absent", "nothing")
        absent = "found"
    except ValueError as error:
        absent = "missing" if "Unable to find secret" in str(error) else repr(error)
    return f"{secrets.get('e2e-db', 'password')}/{secrets.get('e2e-db', 'token')}/{absent}"


@workflow
def secrets_wf() -> str:
    return read_secrets()
