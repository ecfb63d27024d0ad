#include "options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace echo_peer {
namespace {

Options Parse(std::vector<std::string> args) {
  auto r = ParseOptions(args);
  EXPECT_TRUE(std::holds_alternative<Options>(r));
  return std::holds_alternative<Options>(r) ? std::get<Options>(r) : Options{};
}

std::string Failure(std::vector<std::string> args) {
  auto r = ParseOptions(args);
  if (auto* f = std::get_if<ParseFailure>(&r)) return f->message;
  return "";
}

TEST(EchoPeerOptions, Defaults) {
  Options o = Parse({});
  EXPECT_EQ(o.port, 8080);
  EXPECT_EQ(o.bind, "127.0.0.1");
  EXPECT_EQ(o.max_sessions, 16u);
  EXPECT_EQ(o.log_level, LogLevel::kInfo);
}

TEST(EchoPeerOptions, EveryFlagBothForms) {
  Options o = Parse({"--port", "0", "--bind", "::1", "--max-sessions=3", "--log-level=debug"});
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.bind, "::1");
  EXPECT_EQ(o.max_sessions, 3u);
  EXPECT_EQ(o.log_level, LogLevel::kDebug);
  EXPECT_EQ(Parse({"--port=65535"}).port, 65535);
  EXPECT_EQ(Parse({"--log-level", "warning"}).log_level, LogLevel::kWarn);
}

TEST(EchoPeerOptions, BadValuesSayWhat) {
  EXPECT_NE(Failure({"--port", "65536"}).find("--port"), std::string::npos);
  EXPECT_NE(Failure({"--port", "-1"}).find("--port"), std::string::npos);
  EXPECT_NE(Failure({"--port", "80x"}).find("--port"), std::string::npos);
  EXPECT_NE(Failure({"--port"}).find("needs a value"), std::string::npos);
  EXPECT_NE(Failure({"--bind", "localhost"}).find("--bind"), std::string::npos);
  EXPECT_NE(Failure({"--max-sessions", "0"}).find("--max-sessions"), std::string::npos);
  EXPECT_NE(Failure({"--log-level", "loud"}).find("--log-level"), std::string::npos);
  EXPECT_NE(Failure({"--frobnicate", "1"}).find("unknown option --frobnicate"), std::string::npos);
}

TEST(EchoPeerOptions, Help) {
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(ParseOptions({"--help"})));
  EXPECT_TRUE(std::holds_alternative<HelpRequested>(ParseOptions({"--port", "1", "-h"})));
  EXPECT_NE(std::string(Usage()).find("--max-sessions"), std::string::npos);
}

TEST(EchoPeerLog, LevelsParse) {
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_FALSE(ParseLogLevel("INFO").has_value());
  SetLogLevel(LogLevel::kWarn);
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  SetLogLevel(LogLevel::kInfo);
}

}  // namespace
}  // namespace echo_peer
