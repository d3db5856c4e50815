#include "admin/log_lines.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace flyte::admin {
namespace {

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void LogLineReader::Add(std::string_view piece, bool line_ends, Lines* out) {
  if (!cut_) {
    const size_t room = max_line_bytes_ - partial_.size();
    partial_.append(piece.substr(0, room));
    if (piece.size() > room) cut_ = true;
  }
  if (!line_ends) return;
  out->lines.push_back(std::move(partial_));
  partial_.clear();
  cut_ = false;
}

StatusOr<LogLineReader::Lines> LogLineReader::Read(size_t max_bytes, bool final) {
  Lines out;
  const Fd file{::open(file_.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ENOENT) return out;
    return absl::InternalError("cannot open " + file_.string() + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) {
    return absl::InternalError("cannot stat " + file_.string() + ": " + std::strerror(errno));
  }
  out.modified_ms = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1000000;
  const uint64_t size = static_cast<uint64_t>(info.st_size);
  if (size < offset_) {  // replaced by a shorter file: start over
    offset_ = 0;
    partial_.clear();
    cut_ = false;
  }
  const uint64_t wanted = std::min<uint64_t>(size - offset_, max_bytes);
  out.more = size - offset_ > wanted;
  std::string buffer(static_cast<size_t>(wanted), '\0');
  size_t got = 0;
  while (got < buffer.size()) {
    const ssize_t n = ::pread(file.fd, buffer.data() + got, buffer.size() - got, static_cast<off_t>(offset_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::InternalError("cannot read " + file_.string() + ": " + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  offset_ += got;
  std::string_view rest(buffer.data(), got);
  for (size_t newline = rest.find('\n'); newline != std::string_view::npos; newline = rest.find('\n')) {
    Add(rest.substr(0, newline), true, &out);
    rest.remove_prefix(newline + 1);
  }
  Add(rest, false, &out);
  if (final && !out.more && (!partial_.empty() || cut_)) Add("", true, &out);
  return out;
}

}  // namespace flyte::admin
