"""A real Kubernetes control plane for the tests, on loopback: the kube-apiserver of
k8s.io/kubernetes with etcd embedded (tests/k8s/cluster, built and cached by
scripts/build-kube-test-cluster.sh), its own CA and serving certificate, and three ways in:
a bearer token (--token-auth-file), a client certificate (--client-ca-file) and, through the
token file too, the token an exec credential plugin prints. RBAC is on; the tests' users are in
system:masters. No scheduler, controllers or kubelet: kube_node_agent.py plays the node.
"""

from __future__ import annotations

import base64
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from e2e_support import REPO_ROOT, free_port

ADMIN_TOKEN = "flyte-e2e-admin-token"
EXEC_TOKEN = "flyte-e2e-exec-token"


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(folder: Path) -> None:
    """ca.crt/ca.key, server.crt/key for 127.0.0.1 and localhost, client.crt/key for user
    `cert-user` in system:masters, sa.key for service account tokens."""
    folder.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=flyte-e2e-ca",
             "-keyout", "ca.key", "-out", "ca.crt", cwd=folder)
    (folder / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name, subject, ext in (("server", "/CN=kube-apiserver", ["-extfile", "server.ext"]),
                               ("client", "/O=system:masters/CN=cert-user", [])):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", f"{name}.key",
                 "-out", f"{name}.csr", cwd=folder)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                 "-days", "2", "-out", f"{name}.crt", *ext, cwd=folder)
    _openssl("genrsa", "-out", "sa.key", "2048", cwd=folder)


@dataclass
class KubeCluster:
    folder: Path
    port: int
    process: subprocess.Popen
    _sessions: threading.local = field(default_factory=threading.local)

    @property
    def server(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca(self) -> Path:
        return self.folder / "pki" / "ca.crt"

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """A call as the admin (token), verified against the cluster's CA, on a kept-alive
        connection of the calling thread's."""
        if not hasattr(self._sessions, "session"):
            self._sessions.session = requests.Session()
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", **kwargs.pop("headers", {})}
        return self._sessions.session.request(method, self.server + path, headers=headers, verify=str(self.ca),
                                              timeout=kwargs.pop("timeout", 30), **kwargs)

    def kubeconfig(self, path: Path, user: dict, cluster: dict | None = None, namespace: str = "") -> Path:
        """A kubeconfig with one context `e2e` for `user` (a kubeconfig `user` map); `cluster`
        defaults to the server with its CA inline."""
        import yaml

        cluster = cluster or {"server": self.server,
                              "certificate-authority-data": base64.b64encode(self.ca.read_bytes()).decode()}
        context = {"cluster": "e2e", "user": "e2e", **({"namespace": namespace} if namespace else {})}
        path.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "e2e",
            "clusters": [{"name": "e2e", "cluster": cluster}],
            "users": [{"name": "e2e", "user": user}],
            "contexts": [{"name": "e2e", "context": context}],
        }))
        return path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, size: int = 4000) -> str:
        return (self.folder / "cluster.log").read_text(errors="replace")[-size:]


def cluster_binary() -> Path:
    built = subprocess.run([str(REPO_ROOT / "scripts" / "build-kube-test-cluster.sh")], check=True, capture_output=True,
                           text=True)
    return Path(built.stdout.strip())


def start_cluster(folder: Path, timeout: float = 120) -> KubeCluster:
    pki = folder / "pki"
    make_certificates(pki)
    (folder / "tokens.csv").write_text(f'{ADMIN_TOKEN},admin,1,"system:masters"\n'
                                       f'{EXEC_TOKEN},exec-user,2,"system:masters"\n')
    etcd_port = free_port()
    while True:  # etcd's peer port is the next one
        port = free_port()
        if abs(port - etcd_port) > 1:
            break
    with open(folder / "cluster.log", "wb") as log:
        process = subprocess.Popen([
            str(cluster_binary()), "--etcd-dir", str(folder / "etcd"), "--etcd-port", str(etcd_port), "--",
            "--bind-address=127.0.0.1", f"--secure-port={port}", f"--cert-dir={folder / 'certs'}",
            f"--tls-cert-file={pki / 'server.crt'}", f"--tls-private-key-file={pki / 'server.key'}",
            f"--client-ca-file={pki / 'ca.crt'}", f"--token-auth-file={folder / 'tokens.csv'}",
            f"--service-account-key-file={pki / 'sa.key'}", f"--service-account-signing-key-file={pki / 'sa.key'}",
            "--service-account-issuer=https://kubernetes.default.svc", "--authorization-mode=RBAC",
            "--service-cluster-ip-range=10.0.0.0/24", "--disable-admission-plugins=ServiceAccount",
        ], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    cluster = KubeCluster(folder, port, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test cluster exited ({process.returncode}):\n{cluster.log_tail()}")
        try:
            if cluster.api("GET", "/readyz", timeout=2).status_code == 200:
                return cluster
        except requests.RequestException:
            pass
        time.sleep(0.2)
    cluster.stop()
    raise RuntimeError(f"the test cluster was not ready within {timeout} s:\n{cluster.log_tail()}")
