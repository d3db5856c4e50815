// A Kubernetes control plane for the tests, in one process: etcd (go.etcd.io/etcd/server/v3/embed)
// and the real kube-apiserver of k8s.io/kubernetes, on loopback. No scheduler, controllers or
// kubelet: the tests' node agent (tests/k8s/node_agent.py) binds and runs pods.
//
//	kube-test-cluster --etcd-dir <dir> --etcd-port <port> [kube-apiserver flags...]
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func startEtcd(dir string, port int) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "test"
	cfg.Dir = dir
	cfg.LogLevel = "error"
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", port)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", port+1)}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	etcd, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-etcd.Server.ReadyNotify():
		return etcd, nil
	case <-time.After(60 * time.Second):
		etcd.Close()
		return nil, fmt.Errorf("etcd was not ready within 60 s")
	}
}

func main() {
	ours := flag.NewFlagSet("kube-test-cluster", flag.ExitOnError)
	dir := ours.String("etcd-dir", "", "etcd's data folder")
	port := ours.Int("etcd-port", 0, "etcd's client port on 127.0.0.1 (its peer port is the next one)")
	ours.Parse(os.Args[1:])
	if *dir == "" || *port == 0 {
		fmt.Fprintln(os.Stderr, "usage: kube-test-cluster --etcd-dir <dir> --etcd-port <port> [kube-apiserver flags...]")
		os.Exit(2)
	}
	etcd, err := startEtcd(*dir, *port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(1)
	}
	command := app.NewAPIServerCommand()
	command.SetArgs(append([]string{fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", *port)}, ours.Args()...))
	code := cli.Run(command) // until SIGTERM or SIGINT
	etcd.Close()
	os.Exit(code)
}
