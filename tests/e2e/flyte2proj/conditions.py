"""Flyte 2 tasks that wait on conditions (`flyte.new_condition`), for test_flyte2_conditions.py: the
test signals them with `flyte signal condition` or through RunService/SignalEvent."""

import flyte
import flyte.errors

env = flyte.TaskEnvironment(name="conditions_env")


@env.task
async def approval() -> str:
    condition = await flyte.new_condition.aio("approve", prompt="Ship it?", data_type=bool)
    return "approved" if await condition.wait.aio() else "rejected"


@env.task
async def doubled() -> int:
    condition = await flyte.new_condition.aio("how_many", prompt="How many?", data_type=int)
    return 2 * await condition.wait.aio()


@env.task
async def impatient(seconds: float) -> str:
    condition = await flyte.new_condition.aio("quick", data_type=bool, timeout=seconds)
    try:
        return f"signaled {await condition.wait.aio()}"
    except flyte.errors.ConditionTimedoutError:
        return "timed out"
