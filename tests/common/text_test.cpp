#include "common/text.h"

#include <doctest/doctest.h>

#include <string>

namespace flyte {
namespace {

TEST_CASE("IsValidUtf8 accepts well-formed text and refuses broken sequences") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x80"));  // é € 🚀
  CHECK_FALSE(IsValidUtf8("\xFF\xFE"));
  CHECK_FALSE(IsValidUtf8("\xC3"));              // truncated
  CHECK_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("a\x80z"));            // stray continuation byte
}

TEST_CASE("Abbreviate keeps short text and cuts long text at a character boundary") {
  CHECK(Abbreviate("short", 200) == "short");
  CHECK(Abbreviate(std::string(1 << 20, 'x'), 200) == std::string(200, 'x') + "…");
  // "é" is two bytes: a cut after its first byte moves before it.
  CHECK(Abbreviate("ab\xC3\xA9z", 3) == "ab…");
}

TEST_CASE("ElideMiddle keeps the start and the end of long text") {
  CHECK(ElideMiddle("short", 200) == "short");
  const std::string quoted = "id \"" + std::string(1 << 20, 'x') + "\": use at most 63 letters";
  const std::string elided = ElideMiddle(quoted, 300);
  CHECK(elided.size() <= 300 + std::string("…").size());
  CHECK(elided.rfind("id \"xxx", 0) == 0);
  CHECK(elided.find("…") != std::string::npos);
  CHECK(elided.ends_with("\": use at most 63 letters"));
  // Never starts the tail inside a character.
  CHECK(ElideMiddle("abcdefgh\xC3\xA9z", 6) == "abcd…z");
}

}  // namespace
}  // namespace flyte
