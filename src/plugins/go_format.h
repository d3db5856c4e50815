// Prints values the way Go's fmt and time packages do, as propeller prints a task's inputs into its
// command line: numbers, times, protobuf durations and msgpack values decoded into Go's `any`.
#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "common/msgpack.h"
#include "common/status.h"

namespace flyte::plugins {

// fmt's %v of a float64 (or float32 when `single`): 100000, 1e+06, 1.5e-05, +Inf, NaN.
std::string GoFloat(double value, bool single);

// `%v` of a google.protobuf.Timestamp/Duration in Go: the compact text format, zero fields omitted
// ("seconds:5 nanos:100").
std::string SecondsNanosText(int64_t seconds, int32_t nanos);

// golang/protobuf's ptypes.TimestampString: RFC 3339 with nanoseconds, or the validation error in
// parentheses for a timestamp outside [0001-01-01, 10000-01-01) or with bad nanos.
std::string TimestampString(const google::protobuf::Timestamp& ts);

// `%v` of the value github.com/shamaton/msgpack/v2 decodes into `any`: "map[a:1 b:[x y]]",
// "[1 2]" for bytes, a timestamp extension as time.Time's String() (in UTC; Go would use the
// server's zone). INVALID_ARGUMENT, with Go's words, for what Go cannot decode into `any` (other
// extensions, a slice or map as a map key).
StatusOr<std::string> GoMsgpackText(const MsgpackValue& value);

}  // namespace flyte::plugins
