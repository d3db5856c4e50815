// Reading a log file that is still being written, as lines, from where the last read stopped:
// what Flyte 2's TailLogs sends. Memory stays bounded however large the log: each read takes at
// most a given number of bytes, and a line longer than the cap is cut there (its rest, up to its
// newline, is dropped) so that a task printing without newlines cannot grow a buffer.
// Not thread-safe: one stream reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace flyte::admin {

class LogLineReader {
 public:
  static constexpr size_t kMaxLineBytes = 16 * 1024;

  explicit LogLineReader(std::filesystem::path file, size_t max_line_bytes = kMaxLineBytes)
      : file_(std::move(file)), max_line_bytes_(max_line_bytes) {}

  struct Lines {
    std::vector<std::string> lines;  // without their newlines
    bool more = false;               // the read stopped at `max_bytes`: more is there already
    int64_t modified_ms = 0;         // when the file was last written (unix ms); 0 when it is absent
  };
  // The complete lines written since the last call, reading at most `max_bytes`. A missing file
  // reads as empty (the task has not started writing). `final`: the writer is done, so a last
  // line without a newline is complete too.
  StatusOr<Lines> Read(size_t max_bytes, bool final);

 private:
  void Add(std::string_view piece, bool line_ends, Lines* out);

  const std::filesystem::path file_;
  const size_t max_line_bytes_;
  uint64_t offset_ = 0;  // bytes of the file read so far
  std::string partial_;  // the start of a line whose newline has not been read yet
  bool cut_ = false;     // partial_ reached the cap: the rest of its line is dropped
};

}  // namespace flyte::admin
