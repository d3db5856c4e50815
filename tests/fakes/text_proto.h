// Messages written as protobuf text format, the shortest way for a test to spell a flyteidl message.
#pragma once

#include <doctest/doctest.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/text_format.h>

#include <string>

namespace flyte::testing {

// Deprecated fields flytekit still sends (Operand.primitive) parse without the parser's warning.
template <typename Message>
Message ParseText(const std::string& text) {
  google::protobuf::LogSilencer quiet;
  Message message;
  REQUIRE_MESSAGE(google::protobuf::TextFormat::ParseFromString(text, &message), text);
  return message;
}

}  // namespace flyte::testing
