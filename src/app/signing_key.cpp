#include "app/signing_key.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "common/digest.h"

namespace flyte::app {

StatusOr<std::string> LoadSigningKey(const std::filesystem::path& dir) {
  const std::filesystem::path file = dir / "signing.key";
  std::ifstream in(file, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() == 32) return key;
  key = RandomBytes(32);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size()) || ::close(fd) != 0) {
    return absl::FailedPreconditionError("cannot write " + file.string());
  }
  return key;
}

}  // namespace flyte::app
