// Messages written as protobuf text format, the shortest way for a test to spell a flyteidl message.
#pragma once

#include <doctest/doctest.h>
#include <google/protobuf/text_format.h>

#include <string>

namespace flyte::testing {

template <typename Message>
Message ParseText(const std::string& text) {
  Message message;
  REQUIRE_MESSAGE(google::protobuf::TextFormat::ParseFromString(text, &message), text);
  return message;
}

}  // namespace flyte::testing
