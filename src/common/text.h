// Checks and trimming of text that arrives from clients: UTF-8 validity (protobuf strings must be
// UTF-8) and a bounded excerpt for echoing it back in error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flyte {

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// `text` when it fits in `max_bytes`, else its first `max_bytes` at most, cut before a UTF-8
// continuation byte so a character is never split, followed by "…".
std::string Abbreviate(std::string_view text, size_t max_bytes);
// `text` when it fits in `max_bytes`, else its first two thirds and last third of `max_bytes`
// at most, with "…" between: a message that quotes a long value keeps its explanation.
std::string ElideMiddle(std::string_view text, size_t max_bytes);

}  // namespace flyte
