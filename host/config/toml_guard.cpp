#include "config/toml_guard.hpp"

namespace quench::config {

namespace {

enum class Lexeme { Structure, Comment, Basic, Literal, MultiBasic, MultiLiteral };

bool startsWith(std::string_view text, std::size_t at, std::string_view what) {
    return text.compare(at, what.size(), what) == 0;
}

// A multi-line string closes at three quotes and may end with up to two more quote characters.
std::size_t quoteRun(std::string_view text, std::size_t at, char quote) {
    std::size_t count = 0;
    while (at + count < text.size() && text[at + count] == quote && count < 5) ++count;
    return count;
}

// Where the lexer goes after character i (it may consume more characters through i).
Lexeme advance(Lexeme state, std::string_view text, std::size_t& i) {
    const char c = text[i];
    switch (state) {
        case Lexeme::Structure:
            if (c == '#') return Lexeme::Comment;
            if (c == '"' && startsWith(text, i, "\"\"\"")) return i += 2, Lexeme::MultiBasic;
            if (c == '\'' && startsWith(text, i, "'''")) return i += 2, Lexeme::MultiLiteral;
            if (c == '"') return Lexeme::Basic;
            if (c == '\'') return Lexeme::Literal;
            return state;
        case Lexeme::Comment:
            return state;
        case Lexeme::Basic:
            if (c == '\\') return ++i, state;  // an escape: the next character belongs to the string
            return c == '"' ? Lexeme::Structure : state;
        case Lexeme::Literal:
            return c == '\'' ? Lexeme::Structure : state;
        case Lexeme::MultiBasic:
            if (c == '\\') return ++i, state;
            if (quoteRun(text, i, '"') >= 3) return i += quoteRun(text, i, '"') - 1, Lexeme::Structure;
            return state;
        case Lexeme::MultiLiteral:
            if (quoteRun(text, i, '\'') >= 3) return i += quoteRun(text, i, '\'') - 1, Lexeme::Structure;
            return state;
    }
    return state;
}

}  // namespace

GuardedToml guardToml(std::string_view text) {
    GuardedToml out{std::string(text), std::nullopt};
    Lexeme state = Lexeme::Structure;
    TextPosition here;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++here.line;
            line_start = i + 1;
            if (state != Lexeme::MultiBasic && state != Lexeme::MultiLiteral) state = Lexeme::Structure;
            continue;
        }
        if (static_cast<unsigned char>(text[i]) >= 0x80) {
            if (state != Lexeme::Comment && !out.refused)
                out.refused = TextPosition{here.line, i - line_start + 1};
            out.text[i] = ' ';
            continue;
        }
        state = advance(state, text, i);
    }
    return out;
}

}  // namespace quench::config
