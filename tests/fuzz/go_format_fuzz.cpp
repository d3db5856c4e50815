// Go's %v of msgpack values and numbers (plugins/go_format.cpp), as a task's inputs are printed
// into its command line: the input is a msgpack value; its first bytes also feed the float and
// timestamp printers.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "plugins/go_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto decoded = flyte::DecodeMsgpack(input); decoded.ok()) (void)flyte::plugins::GoMsgpackText(*decoded);
  if (size >= 12) {
    double number = 0;
    float single = 0;  // a float 32 as msgpack carries it: GoFloat(.., true) is only given those
    int64_t seconds = 0;
    int32_t nanos = 0;
    std::memcpy(&number, data, sizeof(number));
    std::memcpy(&single, data, sizeof(single));
    std::memcpy(&seconds, data, sizeof(seconds));
    std::memcpy(&nanos, data + sizeof(seconds), sizeof(nanos));
    (void)flyte::plugins::GoFloat(number, false);
    (void)flyte::plugins::GoFloat(single, true);
    (void)flyte::plugins::SecondsNanosText(seconds, nanos);
    google::protobuf::Timestamp ts;
    ts.set_seconds(seconds);
    ts.set_nanos(nanos);
    (void)flyte::plugins::TimestampString(ts);
  }
  return 0;
}
