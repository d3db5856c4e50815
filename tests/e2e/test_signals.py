"""SignalService against the real binary: the gRPC calls propeller and the console make
(grpcio + flyteidl stubs), FlyteRemote's list_signals / set_signal / approve, and the HTTP routes.

Like FlyteAdmin, signals do not need the execution to exist, so each test names its own.
"""

from __future__ import annotations

import grpc
import pytest
import requests
from flyteidl.admin import signal_pb2
from flyteidl.core import identifier_pb2, literals_pb2, types_pb2
from flyteidl.service import signal_pb2_grpc
from flytekit.configuration import Config
from flytekit.remote import FlyteRemote

from e2e_support import DOMAIN, PROJECT, RPC_TIMEOUT_S, int_literal, int_type, rpc_error, unique

T = RPC_TIMEOUT_S


@pytest.fixture(scope="module")
def signals(sandbox):
    return signal_pb2_grpc.SignalServiceStub(sandbox.channel())


@pytest.fixture(scope="module")
def remote(sandbox):
    config = Config.auto(config_file=str(sandbox.config_path))
    return FlyteRemote(config, default_project=PROJECT, default_domain=DOMAIN)


def signal_id(execution: str, name: str):
    return identifier_pb2.SignalIdentifier(
        signal_id=name,
        execution_id=identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=execution),
    )


def declare(signals, execution: str, name: str, literal_type):
    return signals.GetOrCreateSignal(
        signal_pb2.SignalGetOrCreateRequest(id=signal_id(execution, name), type=literal_type), timeout=T
    )


def set_request(execution: str, name: str, value):
    return signal_pb2.SignalSetRequest(id=signal_id(execution, name), value=value)


def bool_type():
    return types_pb2.LiteralType(simple=types_pb2.BOOLEAN)


def string_literal(value: str):
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value=value)))


def test_get_or_create_then_set_over_grpc(signals):
    execution = unique("sig")[-20:]
    created = declare(signals, execution, "count", int_type())
    assert created.id == signal_id(execution, "count")
    assert created.type == int_type()
    assert not created.HasField("value")
    assert declare(signals, execution, "count", int_type()) == created

    wrong = rpc_error(signals.SetSignal, set_request(execution, "count", string_literal("x")))
    assert wrong.code() == grpc.StatusCode.INVALID_ARGUMENT, wrong.details()
    unknown = rpc_error(signals.SetSignal, set_request(execution, "nope", int_literal(1)))
    assert unknown.code() == grpc.StatusCode.NOT_FOUND, unknown.details()

    signals.SetSignal(set_request(execution, "count", int_literal(7)), timeout=T)
    assert declare(signals, execution, "count", int_type()).value == int_literal(7)
    # Setting the same value again is fine; another value is refused.
    signals.SetSignal(set_request(execution, "count", int_literal(7)), timeout=T)
    again = rpc_error(signals.SetSignal, set_request(execution, "count", int_literal(8)))
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION, again.details()


def test_list_signals_pages(signals):
    execution = unique("sig")[-20:]
    for name in ("first", "second", "third"):
        declare(signals, execution, name, bool_type())
    declare(signals, unique("other")[-20:], "first", bool_type())
    wf = identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=execution)
    page = signals.ListSignals(signal_pb2.SignalListRequest(workflow_execution_id=wf, limit=2), timeout=T)
    assert [s.id.signal_id for s in page.signals] == ["first", "second"]
    assert page.token
    rest = signals.ListSignals(
        signal_pb2.SignalListRequest(workflow_execution_id=wf, limit=2, token=page.token), timeout=T
    )
    assert [s.id.signal_id for s in rest.signals] == ["third"]
    assert not rest.token


def test_flyteremote_approve_and_set_signal(signals, remote):
    execution = unique("sig")[-20:]
    declare(signals, execution, "approved", bool_type())
    declare(signals, execution, "title", types_pb2.LiteralType(simple=types_pb2.STRING))
    remote.approve("approved", execution)
    remote.set_signal("title", execution, "release 1.0")
    listed = {s.id.signal_id: s for s in remote.list_signals(execution)}
    assert listed["approved"].value.scalar.primitive.boolean is True
    assert listed["title"].value.scalar.primitive.string_value == "release 1.0"
    with pytest.raises(Exception, match="INVALID_ARGUMENT|does not fit"):
        remote.set_signal("approved", execution, 3)


def http_set_signal(sandbox, execution: str, name: str):
    """POST /api/v1/signals setting `name` to true, as the console's approve button does."""
    return requests.post(
        f"{sandbox.http}/api/v1/signals",
        json={
            "id": {"signal_id": name, "execution_id": {"project": PROJECT, "domain": DOMAIN, "name": execution}},
            "value": {"scalar": {"primitive": {"boolean": True}}},
        },
        timeout=T,
    )


def test_signals_over_http(signals, sandbox):
    execution = unique("sig")[-20:]
    declare(signals, execution, "go", bool_type())
    rsp = http_set_signal(sandbox, execution, "go")
    assert rsp.status_code == 200, rsp.text
    rsp = requests.get(f"{sandbox.http}/api/v1/signals/{PROJECT}/{DOMAIN}/{execution}", params={"limit": 10}, timeout=T)
    assert rsp.status_code == 200, rsp.text
    (listed,) = rsp.json()["signals"]
    assert listed["id"]["signal_id"] == "go"
    assert listed["value"]["scalar"]["primitive"]["boolean"] is True
    rsp = http_set_signal(sandbox, execution, "missing")
    assert rsp.status_code == 404, rsp.text
