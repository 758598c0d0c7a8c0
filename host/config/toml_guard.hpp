#pragma once
// A guard in front of toml++. Debian's toml++ 3.x reaches __builtin_unreachable() (undefined
// behaviour) in is_non_ascii_horizontal_whitespace() for some non-ASCII characters, both where it
// expects whitespace and while it skips ahead to report a syntax error (both found by the fuzz
// target, docs/fuzzing.md). Every key and value quench reads is ASCII, so toml++ is only ever given
// ASCII text: non-ASCII bytes in comments become spaces, anywhere else they are refused.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace quench::config {

struct TextPosition {
    std::size_t line = 1;  // 1-based, as toml++ reports positions
    std::size_t column = 1;
};

struct GuardedToml {
    std::string text;                     // ASCII only: what toml++ may parse
    std::optional<TextPosition> refused;  // the first non-ASCII byte outside a comment, if any
};

GuardedToml guardToml(std::string_view toml_text);

}  // namespace quench::config
