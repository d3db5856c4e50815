// An HTTP/1.1 server on a unix socket in a temporary folder (the Docker Engine API, with responses
// recorded from Podman's compatible service) or on a loopback TCP port (the Kubernetes API),
// answering each request with the canned response of the first route whose "METHOD /path" prefix
// it matches (a route marked `once` answers one request, then the next match does), and
// remembering the requests: the container and Kubernetes plugins and their clients tested without
// an engine or a cluster.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fakes/temp_dir.h"

namespace flyte::testing {

struct FakeRoute {
  std::string prefix;  // "POST /v1.41/containers/create"
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  bool held_open = false;              // the body as one chunk of a chunked reply that goes on (a followed log)
  bool once = false;                   // answers one request only
  std::chrono::milliseconds delay{0};  // waited before answering
};

struct FakeRequest {
  std::string method, target, body;
};

class FakeHttpServer {
 public:
  enum class Transport { kUnixSocket, kTcp };
  explicit FakeHttpServer(std::vector<FakeRoute> routes, Transport transport = Transport::kUnixSocket)
      : routes_(std::move(routes)), used_(routes_.size(), false) {
    if (transport == Transport::kUnixSocket) {
      socket_path_ = (dir_.path() / "engine.sock").string();
      listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un address{};
      address.sun_family = AF_UNIX;
      std::strncpy(address.sun_path, socket_path_.c_str(), sizeof address.sun_path - 1);
      ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    } else {
      listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
      socklen_t size = sizeof address;
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
      port_ = ntohs(address.sin_port);
    }
    ::listen(listener_, 16);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeHttpServer() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
  }
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  const std::string& socket_path() const { return socket_path_; }
  int port() const { return port_; }
  std::vector<FakeRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // "METHOD target" of every request so far.
  std::vector<std::string> calls() const {
    std::vector<std::string> out;
    for (const auto& request : requests()) out.push_back(request.method + " " + request.target);
    return out;
  }

 private:
  // A thread per connection: a held-open answer (a watch, a followed log) blocks no other.
  void Serve() {
    std::vector<std::thread> connections;
    while (!stopping_) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) break;
      connections.emplace_back([this, fd] {
        Answer(fd);
        ::close(fd);
      });
    }
    for (std::thread& connection : connections) connection.join();
  }

  void Answer(int fd) {
    std::string data;
    char buffer[4096];
    size_t header_end = std::string::npos;
    size_t length = 0;
    while (true) {
      if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
        const size_t at = data.find("Content-Length: ");
        if (at != std::string::npos && at < header_end) length = std::stoul(data.substr(at + 16));
      }
      if (header_end != std::string::npos && data.size() >= header_end + 4 + length) break;
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) return;
      data.append(buffer, static_cast<size_t>(n));
    }
    const size_t space = data.find(' ');
    const size_t second = data.find(' ', space + 1);
    FakeRequest request{data.substr(0, space), data.substr(space + 1, second - space - 1),
                        data.substr(header_end + 4, length)};
    FakeRoute route{"", 404, R"({"cause":"no such route","message":"no such route","response":404})"};
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < routes_.size(); ++i) {
        if (used_[i] || (request.method + " " + request.target).rfind(routes_[i].prefix, 0) != 0) continue;
        route = routes_[i];
        used_[i] = routes_[i].once;
        break;
      }
      requests_.push_back(std::move(request));
    }
    std::this_thread::sleep_for(route.delay);
    const std::string head = "HTTP/1.1 " + std::to_string(route.status) + " X\r\nContent-Type: " + route.content_type;
    if (route.held_open) {
      char size[16];
      std::snprintf(size, sizeof size, "%zx", route.body.size());
      const std::string response =
          head + "\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + route.body + "\r\n";
      (void)::write(fd, response.data(), response.size());
      // More may come, or not: open until the client goes away or the engine stops.
      while (!stopping_ && ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT) != 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return;
    }
    const std::string response =
        head + "\r\nContent-Length: " + std::to_string(route.body.size()) + "\r\n\r\n" + route.body;
    (void)::write(fd, response.data(), response.size());
  }

  TempDir dir_;
  std::string socket_path_;
  const std::vector<FakeRoute> routes_;
  std::vector<bool> used_;  // guarded by mu_
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<FakeRequest> requests_;
  std::thread thread_;
};

using FakeDockerEngine = FakeHttpServer;

// Docker's multiplexed log frame: stream (1 stdout, 2 stderr), three zeros, big-endian length, payload.
inline std::string LogFrame(int stream, const std::string& payload) {
  std::string frame(8, '\0');
  frame[0] = static_cast<char>(stream);
  const auto size = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) frame[4 + i] = static_cast<char>((size >> (24 - 8 * i)) & 0xff);
  return frame + payload;
}

}  // namespace flyte::testing
