#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into corpus/<target>/seed-<name>.

Seeds are a handful of valid inputs the fuzzer mutates from; inputs that once crashed a target are
committed next to them by hand (crash-<what>). Rerunning this only rewrites the seed-* files.
Run: .venv/bin/python tests/fuzz/make_seeds.py
"""
from __future__ import annotations

import gzip
from pathlib import Path

import msgpack
from flyteidl.core import compiler_pb2, literals_pb2
from google.protobuf import text_format

CORPUS = Path(__file__).resolve().parent / "corpus"

ID = 'project: "p" domain: "d" version: "v"'
INT = "simple: INTEGER"
STR = "simple: STRING"


def task(name: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    return f"""tasks {{ template {{ id {{ resource_type: TASK {ID} name: "{name}" }} type: "python-task"
      interface {{ {var_map("inputs", inputs)} {var_map("outputs", outputs)} }} }} }}"""


def var_map(field: str, variables: dict[str, str]) -> str:
    entries = " ".join(f'variables {{ key: "{k}" value {{ type {{ {t} }} }} }}' for k, t in variables.items())
    return f"{field} {{ {entries} }}"


def promise(var: str, node: str, output: str) -> str:
    return f'{{ var: "{var}" binding {{ promise {{ node_id: "{node}" var: "{output}" }} }} }}'


def task_node(node_id: str, name: str, *bindings: str) -> str:
    inputs = " ".join(f"inputs {b}" for b in bindings)
    return f'nodes {{ id: "{node_id}" task_node {{ reference_id {{ resource_type: TASK {ID} name: "{name}" }} }} {inputs} }}'


def workflow(field: str, name: str, iface: str, nodes: str, outputs: str) -> str:
    return f"""{field} {{ template {{ id {{ resource_type: WORKFLOW {ID} name: "{name}" }}
      interface {{ {iface} }} {nodes} {outputs} }} }}"""


ADD = task("add", {"a": INT, "b": INT}, {"o0": INT})
SHOW = task("show", {"x": INT}, {"o0": STR})
IFACE = f'{var_map("inputs", {"x": INT})} {var_map("outputs", {"o0": STR})}'
CHAIN = (task_node("n0", "add", promise("a", "start-node", "x"), promise("b", "start-node", "x"))
         + task_node("n1", "show", promise("x", "n0", "o0")))
OUT = f'outputs {promise("o0", "n1", "o0")}'

COMPILER = {
    "chain": ADD + SHOW + workflow("primary", "wf", IFACE, CHAIN, OUT),
    "subworkflow_and_launch_plan": ADD + SHOW + workflow("sub_workflows", "sub", IFACE, CHAIN, OUT) + workflow(
        "primary", "wf", IFACE,
        f"""nodes {{ id: "s" workflow_node {{ sub_workflow_ref {{ resource_type: WORKFLOW {ID} name: "sub" }} }}
              inputs {promise("x", "start-node", "x")} }}
            nodes {{ id: "l" workflow_node {{ launchplan_ref {{ resource_type: LAUNCH_PLAN {ID} name: "sub" }} }}
              inputs {promise("x", "start-node", "x")} upstream_node_ids: "s" }}""",
        f'outputs {promise("o0", "l", "o0")}'),
    "branch": ADD + SHOW + workflow(
        "primary", "wf", IFACE,
        f"""nodes {{ id: "b" inputs {promise("x", "start-node", "x")} branch_node {{ if_else {{
              case {{ condition {{ comparison {{ operator: GT left_value {{ var: "x" }}
                      right_value {{ primitive {{ integer: 1 }} }} }} }}
                      then_node {{ id: "t" task_node {{ reference_id {{ resource_type: TASK {ID} name: "show" }} }}
                      inputs {promise("x", "start-node", "x")} }} }}
              else_node {{ id: "e" task_node {{ reference_id {{ resource_type: TASK {ID} name: "show" }} }}
                      inputs {promise("x", "start-node", "x")} }} }} }} }}""",
        f'outputs {promise("o0", "b", "o0")}'),
    "gate_and_array": ADD + SHOW + workflow(
        "primary", "wf", f'{var_map("inputs", {"xs": "collection_type { simple: INTEGER }"})} outputs {{ }}',
        f"""nodes {{ id: "g" gate_node {{ sleep {{ duration {{ seconds: 1 }} }} }} }}
            nodes {{ id: "a" upstream_node_ids: "g" inputs {promise("x", "start-node", "xs")}
              array_node {{ parallelism: 2 node {{ id: "m" task_node {{ reference_id {{ resource_type: TASK {ID}
              name: "show" }} }} inputs {promise("x", "start-node", "x")} }} }} }}""",
        ""),
}


def escaped(data: bytes) -> str:
    return "".join(f"\\x{byte:02x}" for byte in data)


def literal_map(text: str) -> bytes:
    return text_format.Parse(text, literals_pb2.LiteralMap()).SerializeToString()


def scalar(name: str, value: str) -> str:
    return f'literals {{ key: "{name}" value {{ scalar {{ {value} }} }} }}'


MSGPACK_VALUE = msgpack.packb({"a": 1, "b": [1.5, "x", None, True, b"\x00\x01"], "c": {"d": -7}})
TEMPLATE_ARGS = {
    "keywords": b"pyflyte-execute\n--inputs\n{{.input}}\n--output-prefix\n{{ $OutputPrefix }}\n"
                b"--raw-output-data-prefix\n{{.rawOutputDataPrefix}}\n{{.checkpointOutputPrefix}}\n"
                b"{{.prevCheckpointPrefix}}\n{{.taskTemplatePath}}\n{{.perRetryUniqueKey}}\n{{.inputPrefix}}",
    "inputs": b"{{.inputs.i}} {{.Inputs.f}}\n{{ .inputs.s }}\n{{.inputs.b}}{{.inputs.t}}\n{{.inputs.d}}\n{{.inputs.m}}\x00"
              + literal_map(" ".join([
                  scalar("i", "primitive { integer: 42 }"), scalar("f", "primitive { float_value: 1e-05 }"),
                  scalar("s", 'primitive { string_value: "hi" }'), scalar("b", "primitive { boolean: true }"),
                  scalar("t", "primitive { datetime { seconds: 1700000000 nanos: 5 } }"),
                  scalar("d", "primitive { duration { seconds: 90 } }"),
                  scalar("m", f'binary {{ value: "{escaped(MSGPACK_VALUE)}" tag: "msgpack" }}'),
                  'literals { key: "l" value { collection { literals { scalar { primitive { integer: 1 } } } } } }',
              ])),
}

MSGPACK = {
    "map": MSGPACK_VALUE,
    "nested": msgpack.packb([[[{"k": [1, 2, 3]}]], 2**40, -(2**40), 3.25, "é" * 40]),
    "empty_str_bin": msgpack.packb(["", b"", {}, []]),
    "timestamp": msgpack.packb(msgpack.Timestamp(1700000000, 123)),
    "float32": msgpack.packb(1.5, use_single_float=True),
    "ext": msgpack.packb(msgpack.ExtType(5, b"abc")),
}

TEXT = {
    "filters": {
        "phase": b"eq(phase,RUNNING)+value_in(execution.phase,FAILED;SUCCEEDED)\n100\ncreated_at",
        "times": b"gte(started_at,2024-01-01T00:00:00Z)+lt(duration,1m30s)+contains(workflow.name,a_b%)\n\nduration",
        "enum": b"ne(state,ACTIVE)+eq(launch_plan.name,x)+not_like(name,%y)\n20\nname",
    },
    "signed_url": {
        "query": b"PUT\nmy/key\nexpires=1700000060&md5=00ff&signature=abcdef\n0123456789abcdef",
        "escapes": b"GET\nfolder/a%20b\nexpires=9%209&signature=x+y&md5=zz\n",
    },
    "request_guard": {
        "same_origin_post": b"POST\n/api/v1/projects\nlocalhost:30080\nhttp://localhost:30080\n"
                            b"application/json; charset=utf-8\n{}",
        "cross_site_form": b"POST\n/api/v1/executions\nsandbox.lan:30080\nhttp://evil.example\n"
                           b"application/x-www-form-urlencoded\na=b",
        "rebinding": b"GET\n/healthz\nevil.example:30080\n\n\n",
        "ipv6_upload": b"PUT\n/data/k?expires=1\n[fd00::1]:30080\n\n\nbytes",
    },
    "auth": {
        "basic": b"Basic Y2k6czNjcmV0\ngrant_type=client_credentials",
        "form": b"\ngrant_type=client_credentials&client_id=ci&client_secret=s3cret",
        "static_bearer": b"Bearer static-token\ngrant_type=password&username=u",
        "jwt_bearer": b"bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaSJ9.c2ln\n"
                      b"grant_type=client_credentials&client_id=c%69&client_secret=s3cre%74",
    },
    "byte_range": {
        "part": b"100\nbytes=10-19",
        "open_end": b"5000000000\nbytes=4999999990-",
        "suffix": b"0\nbytes=-5",
        "several": b"9223372036854775807\nbytes=0-1,5-6",
    },
    "url": {
        "query": b"expires=1700000060&md5=00ff&signature=ab%2Bcd&empty=&flag",
        "form": b"grant_type=client_credentials&client_id=c+i&client_secret=%73%33cret",
        "path": b"my/key%20with%C3%A9/and%2F",
    },
    "cron": {
        "steps": b"*/15 9-17 * JAN-MAR mon-fri\n\n1700000000",
        "offset": b"0 0 29 2 *\nPT1H30M\n1700000000",
        "descriptor": b"@weekly\n-P1DT5M\n0",
        "lists": b"5/20,59 0,12 1-31/2 ? 7\nP2W\n16725225600",
    },
    "gateway": {
        "get_task": b"GET /api/v1/tasks/p/d/my%20task/v1\napplication/json\n\n",
        "list": b"GET /api/v1/executions/p/d?limit=5&token=10&filters=eq(phase,RUNNING)&sort_by.key=created_at"
                b"&sort_by.direction=ASCENDING\n\napplication/octet-stream\n",
        "create": b'POST /api/v1/executions\napplication/json\n\n{"project":"p","domain":"d","name":"e1",'
                  b'"spec":{"launch_plan":{"name":"lp","version":"v"}},"inputs":{"literals":{}}}',
        "binary": b"PUT /api/v1/projects/p\napplication/octet-stream\napplication/json\n\n\x01p\x12\x01n",
        "signal": b'POST /api/v1/signals\napplication/json\n\n{"id":{"signal_id":"s","execution_id":{"project":"p"}},'
                  b'"value":{"scalar":{"primitive":{"boolean":true}}}}',
    },
}


# Connect requests (connect_fuzz.cpp): content type, content encoding, then the body. The bodies are
# flyteidl2.project.GetProjectRequest{id: "known"} written by hand (flyteidl2 is not in this venv).
GET_PROJECT = b"\n\x05known"
CONNECT = {
    "proto_gzip": b"application/proto\ngzip\n" + gzip.compress(GET_PROJECT, mtime=0),
    "proto": b"application/proto\n\n" + GET_PROJECT,
    "json": b'application/json\nidentity\n{"id":"known"}',
}


def write(target: str, name: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"seed-{name}").write_bytes(data)


def main() -> None:
    for name, text in COMPILER.items():
        write("compiler", name, text_format.Parse(text, compiler_pb2.CompiledWorkflowClosure()).SerializeToString())
    for name, data in TEMPLATE_ARGS.items():
        write("template_args", name, data)
    for name, data in MSGPACK.items():
        write("msgpack", name, data)
        write("go_format", name, data)
    for name, data in CONNECT.items():
        write("connect", name, data)
    for target, seeds in TEXT.items():
        for name, data in seeds.items():
            write(target, name, data)


if __name__ == "__main__":
    main()
