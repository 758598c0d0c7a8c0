#pragma once
// A guard in front of toml++. Debian's toml++ 3.x reaches __builtin_unreachable() (undefined
// behaviour) in is_non_ascii_horizontal_whitespace() for some non-ASCII characters where the parser
// expects whitespace (found by the fuzz target, docs/fuzzing.md). TOML allows non-ASCII text only
// inside strings and comments, so quench refuses any other non-ASCII byte before toml++ sees it.
#include <cstddef>
#include <optional>
#include <string_view>

namespace quench::config {

struct TextPosition {
    std::size_t line = 1;  // 1-based, as toml++ reports positions
    std::size_t column = 1;
};

// Where the first byte >= 0x80 outside a string or comment is, or nothing when there is none.
std::optional<TextPosition> nonAsciiOutsideStrings(std::string_view toml_text);

}  // namespace quench::config
