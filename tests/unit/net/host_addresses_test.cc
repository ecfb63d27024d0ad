#include "net/host_addresses.h"

#include <gtest/gtest.h>

#include "net_test_util.h"

namespace sluice::net {
namespace {

using test::Loopback4;
using test::PlainSocket;
using test::RecordingReceiver;

TEST(HostAddressesTest, ParsesIpv4AndIpv6WithoutPorts) {
  EXPECT_EQ(ParseIpAddress("127.0.0.1"), Loopback4());
  EXPECT_EQ(ParseIpAddress("::1"), test::Loopback6());
  EXPECT_EQ(ParseIpAddress("[::1]"), test::Loopback6());
  EXPECT_FALSE(ParseIpAddress("localhost").has_value());
  EXPECT_FALSE(ParseIpAddress("127.0.0.1:80").has_value());
  EXPECT_FALSE(ParseIpAddress("").has_value());
  EXPECT_EQ(WithPort(Loopback4(), 5000), Loopback4(5000));
  EXPECT_EQ(WithPort(test::Loopback6(1), 7), test::Loopback6(7));
}

TEST(HostAddressesTest, ConfiguredAddressesAreUsedAsGivenAndWildcardsRefused) {
  Configuration c;
  c.bind_addresses = {"127.0.0.1", "::1"};
  auto a = HostAddresses(c);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size(), 2u);
  c.enable_ipv6 = false;
  a = HostAddresses(c);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, std::vector<StunAddress>{Loopback4()});
  c.bind_addresses = {"::1"};
  EXPECT_EQ(HostAddresses(c).error().code, ErrorCode::kInvalidArgument);
  c.enable_ipv6 = true;
  c.bind_addresses = {"0.0.0.0"};
  EXPECT_EQ(HostAddresses(c).error().code, ErrorCode::kInvalidArgument);
  c.bind_addresses = {"::"};
  EXPECT_EQ(HostAddresses(c).error().code, ErrorCode::kInvalidArgument);
  c.bind_addresses = {"not-an-address"};
  EXPECT_EQ(HostAddresses(c).error().code, ErrorCode::kInvalidArgument);
}

TEST(HostAddressesTest, EnumerationGivesConcreteAddressesWithoutLinkLocal) {
  Configuration c;
  auto a = HostAddresses(c);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_FALSE(a->empty());
  for (const auto& address : *a) {
    EXPECT_EQ(address.port(), 0);
    const auto b = address.address();
    bool all_zero = true;
    for (uint8_t x : b) all_zero = all_zero && x == 0;
    EXPECT_FALSE(all_zero);
    if (address.family() == StunAddressFamily::kIpv6) EXPECT_FALSE(b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
  }
}

TEST(HostAddressesTest, BindsInsideThePortRangeAndReportsAFullRange) {
  auto core = std::move(LoopCore::Create({.packet_pool_slots = 8, .task_queue_capacity = 8})).value();
  RecordingReceiver rx;
  // Find two free adjacent ports by binding plain sockets, then release them.
  uint16_t base = 0;
  for (int attempt = 0; attempt < 50 && base == 0; ++attempt) {
    PlainSocket probe(Loopback4());
    const uint16_t p = probe.local().port();
    if (p > 60000) continue;
    PlainSocket next(Loopback4(static_cast<uint16_t>(p + 1)));
    if (next.ok()) base = p;
  }
  ASSERT_NE(base, 0);
  const uint16_t end = static_cast<uint16_t>(base + 1);
  auto first = BindInRange(*core, Loopback4(), base, end, 0, &rx);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = BindInRange(*core, Loopback4(), base, end, 0, &rx);
  ASSERT_TRUE(second.ok()) << second.error().message;
  const uint16_t p1 = core->local_address(*first).port(), p2 = core->local_address(*second).port();
  EXPECT_NE(p1, p2);
  EXPECT_GE(std::min(p1, p2), base);
  EXPECT_LE(std::max(p1, p2), end);
  auto third = BindInRange(*core, Loopback4(), base, end, 0, &rx);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kExhausted);
  EXPECT_EQ(BindInRange(*core, Loopback4(), 10, 5, 0, &rx).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(BindInRange(*core, Loopback4(), 0, 5, 0, &rx).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::net
