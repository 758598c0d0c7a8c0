// Non-ASCII text is fine in TOML strings and comments and a clear syntax error anywhere else; it
// never reaches the toml++ code path that is undefined behaviour for some characters (the input
// below was found by the fuzz target).
#include <gtest/gtest.h>

#include "config/config_loader.hpp"
#include "config/toml_guard.hpp"
#include "quench/error.hpp"

namespace quench::config {
namespace {

TEST(TomlGuard, NonAsciiInStringsAndCommentsIsAccepted) {
    EXPECT_FALSE(nonAsciiOutsideStrings("# café ☕\n[network] # ü\nn = 5 # Ȏ\n"));
    EXPECT_FALSE(
        nonAsciiOutsideStrings("a = \"Ȏ \\\" Ȏ\"\nb = 'Ȏ'\nc = \"\"\"\nȎ\n\"\"\"\"\nd = '''Ȏ\n''''\n"));
}

TEST(TomlGuard, NonAsciiElsewhereIsFoundWithItsPosition) {
    const auto where = nonAsciiOutsideStrings("[network]\nn = 5\xc8\x8e\n");
    ASSERT_TRUE(where);
    EXPECT_EQ(where->line, 2u);
    EXPECT_EQ(where->column, 6u);
    EXPECT_TRUE(nonAsciiOutsideStrings("\xc8\x8e\x7f"));
    EXPECT_TRUE(nonAsciiOutsideStrings("a = \"\"\"x\"\"\"\"\xc8\x8e"));  // after a closing run of four quotes
}

TEST(TomlGuard, AConfigWithNonAsciiOutsideStringsIsAConfigErrorNamingThePosition) {
    try {
        parseConfig("\xc8\x8e\x7f", "job.toml", {});
        FAIL() << "parsed";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "job.toml");
        EXPECT_NE(std::string(e.what()).find("line 1, column 1"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parseConfig(defaultConfigToml(), "<default>", {"coupling.g=0.5\xc8\x8e"}), ConfigError);
    try {  // inside quotes it is a string value, judged by its key like any other
        parseConfig(defaultConfigToml(), "<default>", {"network.activation=\"\xc8\x8e\""});
        FAIL() << "parsed";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "network.activation");
    }
}

}  // namespace
}  // namespace quench::config
