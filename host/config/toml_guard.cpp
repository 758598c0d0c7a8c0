#include "config/toml_guard.hpp"

namespace quench::config {

namespace {

enum class Lexeme { Structure, Comment, Basic, Literal, MultiBasic, MultiLiteral };

bool startsWith(std::string_view text, std::size_t at, std::string_view what) {
    return text.compare(at, what.size(), what) == 0;
}

// A multi-line string closes at three quotes and may end with up to two more quote characters.
std::size_t closingQuotes(std::string_view text, std::size_t at, char quote) {
    std::size_t count = 0;
    while (at + count < text.size() && text[at + count] == quote && count < 5) ++count;
    return count;
}

}  // namespace

std::optional<TextPosition> nonAsciiOutsideStrings(std::string_view text) {
    Lexeme state = Lexeme::Structure;
    TextPosition here;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++here.line;
            here.column = 1;
            if (state != Lexeme::MultiBasic && state != Lexeme::MultiLiteral) state = Lexeme::Structure;
            continue;
        }
        switch (state) {
            case Lexeme::Structure:
                if (static_cast<unsigned char>(c) >= 0x80) return here;
                if (c == '#') state = Lexeme::Comment;
                if (c == '"') state = startsWith(text, i, "\"\"\"") ? Lexeme::MultiBasic : Lexeme::Basic;
                if (c == '\'') state = startsWith(text, i, "'''") ? Lexeme::MultiLiteral : Lexeme::Literal;
                if (state == Lexeme::MultiBasic || state == Lexeme::MultiLiteral) i += 2;
                break;
            case Lexeme::Comment:
                break;
            case Lexeme::Basic:
                if (c == '\\')
                    ++i;  // an escape: the next character is part of the string
                else if (c == '"')
                    state = Lexeme::Structure;
                break;
            case Lexeme::Literal:
                if (c == '\'') state = Lexeme::Structure;
                break;
            case Lexeme::MultiBasic:
                if (c == '\\') {
                    ++i;
                } else if (closingQuotes(text, i, '"') >= 3) {
                    i += closingQuotes(text, i, '"') - 1;
                    state = Lexeme::Structure;
                }
                break;
            case Lexeme::MultiLiteral:
                if (closingQuotes(text, i, '\'') >= 3) {
                    i += closingQuotes(text, i, '\'') - 1;
                    state = Lexeme::Structure;
                }
                break;
        }
        ++here.column;
    }
    return std::nullopt;
}

}  // namespace quench::config
