// WhipServer's HTTP behaviour (RFC 9725 WHIP + CORS) over a real loopback socket, with a fake
// backend standing in for the PeerConnections.
#include "whip_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace echo_peer {
namespace {

class FakeBackend : public WhipBackend {
 public:
  sluice::Result<Created> CreateSession(std::string_view offer) override {
    std::lock_guard<std::mutex> lock(mu);
    offers.emplace_back(offer);
    if (fail) return *fail;
    std::string id = "res" + std::to_string(next_id++);
    live.insert(id);
    return Created{id, "v=0\r\no=answer " + id + "\r\n"};
  }
  bool DeleteSession(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mu);
    return live.erase(std::string(id)) == 1;
  }
  std::string StatsJson() const override { return R"({"sessions":[]})"; }
  std::string_view IndexHtml() const override { return "<!doctype html><title>t</title>"; }

  std::mutex mu;
  std::vector<std::string> offers;
  std::set<std::string> live;
  std::optional<sluice::Error> fail;
  int next_id = 1;
};

constexpr char kOffer[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

class WhipServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Bind("127.0.0.1", 0).ok());
    ASSERT_GT(server_.port(), 0);
    ASSERT_TRUE(server_.Start().ok());
  }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_.port());
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c;
  }
  // Every error body is exactly one line of text.
  static void ExpectOneLineReason(const httplib::Result& r) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain");
    ASSERT_FALSE(r->body.empty());
    EXPECT_EQ(r->body.back(), '\n');
    EXPECT_EQ(r->body.find('\n'), r->body.size() - 1) << r->body;
  }
  static void ExpectCors(const httplib::Result& r) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
    EXPECT_NE(r->get_header_value("Access-Control-Expose-Headers").find("Location"),
              std::string::npos);
  }

  FakeBackend backend_;
  WhipServer server_{backend_, WhipServerOptions{.max_sdp_bytes = 4096}};
};

TEST_F(WhipServerTest, PostOfferCreatesResource) {
  auto r = Client().Post("/whip", kOffer, "application/sdp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->get_header_value("Location"), "/whip/resource/res1");
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/sdp");
  EXPECT_EQ(r->body, "v=0\r\no=answer res1\r\n");
  ExpectCors(r);
  ASSERT_EQ(backend_.offers.size(), 1u);
  EXPECT_EQ(backend_.offers[0], kOffer);  // byte for byte
}

TEST_F(WhipServerTest, ContentTypeParametersAndCaseAccepted) {
  auto r = Client().Post("/whip", kOffer, "Application/SDP; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
}

TEST_F(WhipServerTest, WrongContentTypeIs415) {
  auto r = Client().Post("/whip", kOffer, "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  ExpectOneLineReason(r);
  ExpectCors(r);
  EXPECT_TRUE(backend_.offers.empty());
}

TEST_F(WhipServerTest, EmptyOfferIs400) {
  auto r = Client().Post("/whip", "", "application/sdp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  ExpectOneLineReason(r);
  EXPECT_TRUE(backend_.offers.empty());
}

TEST_F(WhipServerTest, OversizedOfferIs413WithReason) {
  std::string big(4097, 'a');
  auto r = Client().Post("/whip", big, "application/sdp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  ExpectOneLineReason(r);
  EXPECT_NE(r->body.find("4096"), std::string::npos) << r->body;
  ExpectCors(r);
  EXPECT_TRUE(backend_.offers.empty());
  // Exactly at the limit is fine.
  auto ok = Client().Post("/whip", std::string(4096, 'a'), "application/sdp");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
}

TEST_F(WhipServerTest, MalformedOfferIs400WithTheLibraryReason) {
  backend_.fail = sluice::MakeError(sluice::ErrorCode::kMalformed, "m-line without port");
  auto r = Client().Post("/whip", "garbage", "application/sdp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  ExpectOneLineReason(r);
  EXPECT_NE(r->body.find("malformed: m-line without port"), std::string::npos) << r->body;
  EXPECT_TRUE(r->get_header_value("Location").empty());
}

TEST_F(WhipServerTest, SessionLimitIs503) {
  backend_.fail = sluice::MakeError(sluice::ErrorCode::kExhausted, "session limit reached");
  auto r = Client().Post("/whip", kOffer, "application/sdp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  ExpectOneLineReason(r);
}

TEST_F(WhipServerTest, InternalErrorIs500) {
  backend_.fail = sluice::MakeError(sluice::ErrorCode::kInternal, "certificate");
  auto r = Client().Post("/whip", kOffer, "application/sdp");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  ExpectOneLineReason(r);
}

TEST_F(WhipServerTest, DeleteEndsResourceOnce) {
  auto c = Client();
  ASSERT_EQ(c.Post("/whip", kOffer, "application/sdp")->status, 201);
  auto del = c.Delete("/whip/resource/res1");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200);
  ExpectCors(del);
  EXPECT_TRUE(backend_.live.empty());
  auto again = c.Delete("/whip/resource/res1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  ExpectOneLineReason(again);
}

TEST_F(WhipServerTest, UnknownResourceAndPathAre404) {
  auto c = Client();
  auto r = c.Delete("/whip/resource/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  ExpectOneLineReason(r);
  auto bad_id = c.Delete("/whip/resource/..%2Fetc");
  ASSERT_TRUE(bad_id);
  EXPECT_EQ(bad_id->status, 404);
  auto path = c.Get("/no/such/path");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->status, 404);
  ExpectOneLineReason(path);
}

TEST_F(WhipServerTest, PatchIs405WithoutTrickle) {
  auto c = Client();
  ASSERT_EQ(c.Post("/whip", kOffer, "application/sdp")->status, 201);
  auto r = c.Patch("/whip/resource/res1", "a=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n",
                   "application/trickle-ice-sdpfrag");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "DELETE, OPTIONS");
  ExpectOneLineReason(r);
  EXPECT_EQ(backend_.live.size(), 1u);  // the session is untouched
}

TEST_F(WhipServerTest, WrongMethodOnEndpointIs405) {
  auto r = Client().Get("/whip");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "POST, OPTIONS");
  ExpectOneLineReason(r);
}

TEST_F(WhipServerTest, OptionsPreflightAllowsCrossOriginPost) {
  httplib::Headers h = {{"Origin", "http://example.test"},
                        {"Access-Control-Request-Method", "POST"},
                        {"Access-Control-Request-Headers", "content-type"}};
  auto r = Client().Options("/whip", h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(r->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_NE(r->get_header_value("Access-Control-Allow-Methods").find("DELETE"), std::string::npos);
  EXPECT_NE(r->get_header_value("Access-Control-Allow-Headers").find("Content-Type"),
            std::string::npos);
  EXPECT_EQ(r->get_header_value("Accept-Post"), "application/sdp");
  EXPECT_TRUE(r->body.empty());
  // The resource URL too (a cross-origin DELETE is preflighted).
  auto res = Client().Options("/whip/resource/x", h);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
}

TEST_F(WhipServerTest, PageAndStats) {
  auto c = Client();
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->body, "<!doctype html><title>t</title>");
  auto stats = c.Get("/stats");
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->status, 200);
  EXPECT_EQ(stats->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(stats->body, R"({"sessions":[]})");
}

TEST_F(WhipServerTest, ConcurrentPostsGetDistinctResources) {
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; t++) {
    threads.emplace_back([&] {
      auto c = Client();
      for (int i = 0; i < 10; i++) {
        auto r = c.Post("/whip", kOffer, "application/sdp");
        if (r && r->status == 201) created++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 60);
  EXPECT_EQ(backend_.live.size(), 60u);
}

TEST_F(WhipServerTest, StopIsIdempotentAndRefusesConnections) {
  int port = server_.port();
  server_.Stop();
  server_.Stop();
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1);
  EXPECT_FALSE(c.Get("/"));
}

TEST(WhipServerBind, PortInUseFails) {
  FakeBackend backend;
  WhipServer first(backend);
  ASSERT_TRUE(first.Bind("127.0.0.1", 0).ok());
  WhipServer second(backend);
  EXPECT_FALSE(second.Bind("127.0.0.1", first.port()).ok());
  EXPECT_FALSE(second.Start().ok());  // not bound
}

TEST(WhipServerStatus, ErrorCodesMapToHttp) {
  using sluice::ErrorCode;
  EXPECT_EQ(StatusForError(ErrorCode::kExhausted), 503);
  EXPECT_EQ(StatusForError(ErrorCode::kMalformed), 400);
  EXPECT_EQ(StatusForError(ErrorCode::kTruncated), 400);
  EXPECT_EQ(StatusForError(ErrorCode::kUnsupported), 400);
  EXPECT_EQ(StatusForError(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(StatusForError(ErrorCode::kInvalidState), 400);
  EXPECT_EQ(StatusForError(ErrorCode::kInternal), 500);
  EXPECT_EQ(StatusForError(ErrorCode::kNotFound), 500);
}

}  // namespace
}  // namespace echo_peer
