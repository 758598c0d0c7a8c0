// toml++ only ever sees ASCII: non-ASCII text in comments is blanked, anywhere else it is a clear
// config error naming the line and column. (Debian's toml++ has undefined behaviour for some
// non-ASCII characters; the inputs below were found by the fuzz target.)
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/toml_guard.hpp"
#include "quench/error.hpp"

namespace quench::config {
namespace {

bool isAscii(const std::string& text) {
    for (const char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

TEST(TomlGuard, NonAsciiInCommentsIsBlankedAndTheRestKept) {
    const GuardedToml g = guardToml("# café ☕\n[network] # ü \"\n n = 5 # Ȏ\na = \"#\" # é\n");
    EXPECT_FALSE(g.refused);
    EXPECT_TRUE(isAscii(g.text));
    EXPECT_EQ(g.text.substr(0, 6), "# caf ");
    EXPECT_NE(g.text.find("[network] #"), std::string::npos);
    EXPECT_NE(g.text.find("a = \"#\" #"), std::string::npos);
}

TEST(TomlGuard, NonAsciiElsewhereIsRefusedWithItsPosition) {
    const GuardedToml g = guardToml("[network]\nn = 5\xc8\x8e\n");
    ASSERT_TRUE(g.refused);
    EXPECT_EQ(g.refused->line, 2u);
    EXPECT_EQ(g.refused->column, 6u);
    EXPECT_TRUE(isAscii(g.text));
    EXPECT_TRUE(guardToml("\xc8\x8e\x7f").refused);
    EXPECT_TRUE(guardToml("a = \"caf\xc3\xa9\"").refused);  // quench's string values are ASCII names
    EXPECT_TRUE(guardToml("ork.n=5`k\"\"\"=5`coupl\xc3\x9d").refused);
}

TEST(TomlGuard, AConfigWithNonAsciiOutsideCommentsIsAConfigErrorNamingThePosition) {
    try {
        parseConfig("\xc8\x8e\x7f", "job.toml", {});
        FAIL() << "parsed";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "job.toml");
        EXPECT_NE(std::string(e.what()).find("line 1, column 1"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parseConfig(defaultConfigToml(), "<default>", {"coupling.g=0.5\xc8\x8e"}), ConfigError);
    EXPECT_NO_THROW(parseConfig(std::string("# r\xc3\xa9sum\xc3\xa9\n") + std::string(defaultConfigToml()),
                                "job.toml", {}));
}

}  // namespace
}  // namespace quench::config
