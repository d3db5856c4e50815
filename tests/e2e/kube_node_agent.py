"""The tests' Kubernetes node: a small stand-in for the scheduler and the kubelet, talking to the
real API server (kube_cluster.py) as they do. It registers Node `e2e-node` (labels
`kubernetes.io/hostname: e2e-node` and `pool: spot`, no taints), binds each pod that has no node
and whose nodeSelector the node's labels satisfy to itself, and marks the others unschedulable
(PodScheduled False, reason Unschedulable, as the scheduler does; tolerations need no check on a
node without taints). It runs each bound pod's containers with podman (the image, command, args,
env and memory/cpu limits of the pod spec, on the machine's network so that 127.0.0.1 reaches the
sandbox; mounted only the Secret volumes the spec asks for, each item a file read from the API,
and environment from secretKeyRefs resolved likewise; an optional reference to a missing Secret
or key gives nothing, as the kubelet does), reports the pod's status
through the API as a kubelet does (Pending with ErrImagePull / ImagePullBackOff when the image is
not in podman's store: nothing is ever pulled; Running; Succeeded or Failed with each container's
exit code and reason, OOMKilled included; DeadlineExceeded past activeDeadlineSeconds), serves
container logs on its kubelet port (HTTPS; the API server's pods/log proxies there), kills and
removes a pod's containers once it is deleted and then confirms the deletion. `evict` plays the
kubelet's eviction under node pressure (SIGKILL, phase Failed, reason Evicted). With `simulate`, it
runs nothing: each bound pod is reported Running and stays so (bench/kube_bench.py's 500 pods).

What it does not do: volumes other than Secrets, probes, restarts, init containers, the network of a
real pod."""

from __future__ import annotations

import base64
import json
import ssl
import subprocess
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from kube_cluster import KubeCluster, _openssl

NODE = "e2e-node"
NODE_LABELS = {"kubernetes.io/hostname": NODE, "pool": "spot"}
CONTAINER_LABEL = "flyte-e2e-node"


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def podman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout, check=False)


def container_name(namespace: str, pod: str, container: str) -> str:
    return f"k8s_{namespace}_{pod}_{container}"


class NodeAgent:
    def __init__(self, cluster: KubeCluster, folder: Path, simulate: bool = False):
        self.cluster = cluster
        self.simulate = simulate
        self.folder = folder
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.running: dict[str, threading.Thread] = {}  # "ns/name" -> the thread running it
        self.uids: dict[str, set[str]] = {}  # "ns/name" -> the uids of every pod of that name seen
        self.evicted: set[str] = set()
        self.threads: list[threading.Thread] = []

    # -- the API -------------------------------------------------------------------------------
    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.cluster.api(method, path, **kwargs)

    def patch_status(self, namespace: str, name: str, status: dict) -> None:
        self.api("PATCH", f"/api/v1/namespaces/{namespace}/pods/{name}/status", data=json.dumps({"status": status}),
                 headers={"Content-Type": "application/merge-patch+json"})

    # -- start and stop ------------------------------------------------------------------------
    def start(self) -> "NodeAgent":
        self.folder.mkdir(parents=True, exist_ok=True)
        self._start_log_server()
        node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": NODE, "labels": NODE_LABELS}}
        created = self.api("POST", "/api/v1/nodes", json=node)
        assert created.status_code in (201, 409), created.text
        status = {"status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "e2e node agent",
                            "lastHeartbeatTime": now(), "lastTransitionTime": now()}],
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": self.log_port}},
            "capacity": {"cpu": "2", "memory": "8Gi", "pods": "500"},
            "allocatable": {"cpu": "2", "memory": "8Gi", "pods": "500"},
        }}
        patched = self.api("PATCH", f"/api/v1/nodes/{NODE}/status", data=json.dumps(status),
                           headers={"Content-Type": "application/merge-patch+json"})
        assert patched.status_code == 200, patched.text
        watcher = threading.Thread(target=self._watch, name="node-agent-watch", daemon=True)
        watcher.start()
        self.threads.append(watcher)
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.log_server.shutdown()
        listed = podman("ps", "--all", "--quiet", "--filter", f"label={CONTAINER_LABEL}={self.cluster.port}")
        for container in listed.stdout.split():
            podman("rm", "--force", "--time", "0", container)

    # -- pods ------------------------------------------------------------------------------------
    def _watch(self) -> None:
        version = ""
        while not self.stopping.is_set():
            try:
                if not version:
                    listed = self.api("GET", "/api/v1/pods").json()
                    version = listed["metadata"]["resourceVersion"]
                    for pod in listed["items"]:
                        self._on_pod(pod)
                with self.api("GET", f"/api/v1/pods?watch=1&resourceVersion={version}&timeoutSeconds=60",
                              stream=True, timeout=90) as stream:
                    for line in stream.iter_lines():
                        if self.stopping.is_set():
                            return
                        if not line:
                            continue
                        event = json.loads(line)
                        if event["type"] == "ERROR":
                            version = ""
                            break
                        version = event["object"]["metadata"].get("resourceVersion", version)
                        if event["type"] in ("ADDED", "MODIFIED"):
                            self._on_pod(event["object"])
            except requests.RequestException:
                time.sleep(0.5)

    def _on_pod(self, pod: dict) -> None:
        meta, spec = pod["metadata"], pod["spec"]
        key = f"{meta['namespace']}/{meta['name']}"
        with self.lock:
            self.uids.setdefault(key, set()).add(meta["uid"])
        if meta.get("deletionTimestamp"):
            threading.Thread(target=self._delete, args=(pod,), daemon=True).start()
            return
        if not spec.get("nodeName"):
            selector = spec.get("nodeSelector", {})
            if any(NODE_LABELS.get(key) != value for key, value in selector.items()):
                self._unschedulable(pod)
                return
            binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": meta["name"]},
                       "target": {"apiVersion": "v1", "kind": "Node", "name": NODE}}
            self.api("POST", f"/api/v1/namespaces/{meta['namespace']}/pods/{meta['name']}/binding", json=binding)
            return
        if spec["nodeName"] != NODE or pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return
        with self.lock:
            if key in self.running:
                return
            runner = threading.Thread(target=self._run, args=(pod,), name=f"pod-{key}", daemon=True)
            self.running[key] = runner
        runner.start()

    def _unschedulable(self, pod: dict) -> None:
        """The scheduler's verdict on a pod no node fits, once (its own status patch comes back as an event)."""
        conditions = pod.get("status", {}).get("conditions", [])
        if any(c["type"] == "PodScheduled" and c.get("reason") == "Unschedulable" for c in conditions):
            return
        meta = pod["metadata"]
        self.patch_status(meta["namespace"], meta["name"], {"phase": "Pending", "conditions": [{
            "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "lastTransitionTime": now(),
            "message": "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."}]})

    def _secret_value(self, namespace: str, name: str, key: str) -> str | None:
        """A key of a Secret, as text; None when the Secret or the key is not there."""
        got = self.api("GET", f"/api/v1/namespaces/{namespace}/secrets/{name}")
        if got.status_code == 404:
            return None
        assert got.status_code == 200, got.text
        data = got.json().get("data", {})
        return base64.b64decode(data[key]).decode() if key in data else None

    def _secret_volumes(self, namespace: str, pod: str, spec: dict) -> dict[str, Path]:
        """Each Secret volume of the pod as a folder of its items' files, by volume name."""
        folders = {}
        for volume in spec.get("volumes", []):
            source = volume.get("secret")
            if source is None:
                continue
            folder = self.folder / "volumes" / namespace / pod / volume["name"]
            folder.mkdir(parents=True, exist_ok=True)
            for item in source.get("items", []):
                value = self._secret_value(namespace, source["secretName"], item["key"])
                if value is not None:
                    (folder / item["path"]).write_text(value)
            folders[volume["name"]] = folder
        return folders

    def _delete(self, pod: dict) -> None:
        meta = pod["metadata"]
        for container in pod["spec"]["containers"]:
            podman("rm", "--force", "--time", "0", container_name(meta["namespace"], meta["name"], container["name"]))
        self.api("DELETE", f"/api/v1/namespaces/{meta['namespace']}/pods/{meta['name']}",
                 json={"gracePeriodSeconds": 0, "preconditions": {"uid": meta["uid"]}})

    def _run(self, pod: dict) -> None:
        meta, spec = pod["metadata"], pod["spec"]
        namespace, name = meta["namespace"], meta["name"]
        containers = spec["containers"]
        scheduled = {"type": "PodScheduled", "status": "True", "lastTransitionTime": now()}
        if self.simulate:
            self.patch_status(namespace, name, {
                "phase": "Running", "hostIP": "127.0.0.1", "podIP": "127.0.0.1", "startTime": now(),
                "conditions": [scheduled, {"type": "Ready", "status": "True", "lastTransitionTime": now()}],
                "containerStatuses": [{"name": c["name"], "ready": True, "restartCount": 0, "image": c["image"],
                                       "imageID": c["image"], "started": True, "state": {"running": {"startedAt": now()}}}
                                      for c in containers]})
            return
        # The images first: never pulled, as the sandbox never pulls.
        missing = [c for c in containers if podman("image", "exists", c["image"]).returncode != 0]
        if missing:
            for reason in ("ErrImagePull", "ImagePullBackOff"):
                message = f'Back-off pulling image "{missing[0]["image"]}"' if reason == "ImagePullBackOff" else \
                    f'failed to pull image "{missing[0]["image"]}": the e2e node never pulls'
                self.patch_status(namespace, name, {
                    "phase": "Pending", "hostIP": "127.0.0.1",
                    "conditions": [scheduled, {"type": "Ready", "status": "False", "reason": "ContainersNotReady",
                                               "message": f"containers with unready status: [{missing[0]['name']}]",
                                               "lastTransitionTime": now()}],
                    "containerStatuses": [{"name": c["name"], "ready": False, "restartCount": 0, "image": c["image"],
                                           "imageID": "", "state": {"waiting": {"reason": reason, "message": message}}}
                                          for c in containers]})
                time.sleep(1)
            return  # stays in back-off until deleted
        started = now()
        volumes = self._secret_volumes(namespace, name, spec)
        for container in containers:
            self._start_container(namespace, name, container, volumes)
        self.patch_status(namespace, name, {
            "phase": "Running", "hostIP": "127.0.0.1", "podIP": "127.0.0.1", "startTime": started,
            "conditions": [scheduled, {"type": "Ready", "status": "True", "lastTransitionTime": now()}],
            "containerStatuses": [{"name": c["name"], "ready": True, "restartCount": 0, "image": c["image"],
                                   "imageID": c["image"], "started": True, "state": {"running": {"startedAt": started}}}
                                  for c in containers]})
        deadline = spec.get("activeDeadlineSeconds")
        ends = {}
        for container in containers:
            ends[container["name"]] = self._wait(namespace, name, container["name"], started, deadline)
        key = f"{namespace}/{name}"
        with self.lock:
            evicted = key in self.evicted
        if evicted:
            return  # evict() reported it
        over = any(end is None for end in ends.values())
        if over:
            for container in containers:
                podman("kill", container_name(namespace, name, container["name"]))
        statuses = []
        for container in containers:
            end = ends[container["name"]] or (137, "Error")
            statuses.append({"name": container["name"], "ready": False, "restartCount": 0, "image": container["image"],
                             "imageID": container["image"], "started": False,
                             "state": {"terminated": {"exitCode": end[0], "reason": end[1], "startedAt": started,
                                                      "finishedAt": now()}}})
        status = {"containerStatuses": statuses,
                  "conditions": [scheduled, {"type": "Ready", "status": "False", "reason": "PodCompleted",
                                             "lastTransitionTime": now()}]}
        if over:
            status.update(phase="Failed", reason="DeadlineExceeded",
                          message="Pod was active on the node longer than the specified deadline")
        else:
            status["phase"] = "Succeeded" if all(end[0] == 0 for end in ends.values()) else "Failed"
        self.patch_status(namespace, name, status)

    def _start_container(self, namespace: str, pod: str, container: dict, volumes: dict[str, Path]) -> None:
        cname = container_name(namespace, pod, container["name"])
        podman("rm", "--force", "--time", "0", cname)
        argv = ["run", "--detach", "--name", cname, "--network", "host",
                "--label", f"{CONTAINER_LABEL}={self.cluster.port}"]
        limits = container.get("resources", {}).get("limits", {})
        if "memory" in limits:
            argv += ["--memory", limits["memory"].replace("i", "").lower(), "--memory-swap", "-1"]
        if "cpu" in limits:
            cpu = limits["cpu"]
            argv += ["--cpus", str(int(cpu[:-1]) / 1000 if cpu.endswith("m") else float(cpu))]
        for variable in container.get("env", []):
            value = variable.get("value", "")
            if "valueFrom" in variable:
                reference = variable["valueFrom"]["secretKeyRef"]
                value = self._secret_value(namespace, reference["name"], reference["key"])
                if value is None:
                    assert reference.get("optional"), f"{pod}: secret {reference} is missing and not optional"
                    continue
            argv += ["--env", f"{variable['name']}={value}"]
        for mount in container.get("volumeMounts", []):
            assert mount["name"] in volumes, f"{pod}: only Secret volumes can be mounted here: {mount}"
            argv += ["--volume", f"{volumes[mount['name']]}:{mount['mountPath']}:ro"]
        command, args = container.get("command"), container.get("args", [])
        if command:
            argv += ["--entrypoint", json.dumps(command[:1])]
            args = command[1:] + args
        argv += [container["image"], *args]
        started = podman(*argv)
        assert started.returncode == 0, started.stderr

    def _wait(self, namespace: str, pod: str, container: str, started: str, deadline: int | None):
        """(exit code, reason) once the container ends; None when it outlives the pod's deadline."""
        cname = container_name(namespace, pod, container)
        limit = None if deadline is None else time.monotonic() + deadline
        while not self.stopping.is_set():
            state = podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}", cname)
            if state.returncode != 0:
                return (137, "Error")  # removed under it
            status, code, oom = state.stdout.split()
            if status in ("exited", "stopped"):
                code = int(code)
                return (code, "OOMKilled" if oom == "true" else ("Completed" if code == 0 else "Error"))
            if limit is not None and time.monotonic() > limit:
                return None
            time.sleep(0.1)
        return (137, "Error")

    def evict(self, namespace: str, name: str) -> None:
        """The kubelet's eviction under memory pressure: the containers SIGKILLed, the pod Failed."""
        pod = self.api("GET", f"/api/v1/namespaces/{namespace}/pods/{name}").json()
        with self.lock:
            self.evicted.add(f"{namespace}/{name}")
        for container in pod["spec"]["containers"]:
            podman("kill", "--signal", "KILL", container_name(namespace, name, container["name"]))
        self.patch_status(namespace, name, {
            "phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory.",
            "containerStatuses": [{"name": c["name"], "ready": False, "restartCount": 0, "image": c["image"],
                                   "imageID": c["image"], "state": {"terminated": {"exitCode": 137, "reason": "Error",
                                                                                    "finishedAt": now()}}}
                                  for c in pod["spec"]["containers"]]})

    # -- the kubelet's log endpoint ------------------------------------------------------------
    def _start_log_server(self) -> None:
        pki = self.folder / "kubelet"
        pki.mkdir(exist_ok=True)
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={NODE}",
                 "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "kubelet.key", "-out", "kubelet.crt", cwd=pki)

        class Logs(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # for the chunked body

            def do_GET(handler):  # /containerLogs/<namespace>/<pod>/<container>?follow=true
                path, _, query = handler.path.partition("?")
                parts = path.split("/")
                if len(parts) != 5 or parts[1] != "containerLogs":
                    handler.send_error(404)
                    return
                follow = "follow=true" in query
                if podman("container", "exists", container_name(parts[2], parts[3], parts[4])).returncode != 0:
                    handler.send_error(404)  # as a kubelet answers for a container it does not have
                    return
                argv = ["podman", "logs", *(["--follow"] if follow else []), container_name(parts[2], parts[3], parts[4])]
                handler.send_response(200)
                handler.send_header("Content-Type", "text/plain")
                handler.send_header("Transfer-Encoding", "chunked")
                handler.end_headers()
                logs = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                try:
                    while chunk := logs.stdout.read1(65536):
                        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        handler.wfile.flush()
                    handler.wfile.write(b"0\r\n\r\n")
                except OSError:
                    logs.kill()
                finally:
                    logs.wait()

            def log_message(handler, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Logs)
        server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(pki / "kubelet.crt", pki / "kubelet.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self.log_server = server
        self.log_port = server.server_address[1]
        threading.Thread(target=server.serve_forever, name="node-agent-logs", daemon=True).start()
