#include "iam/common/latency_histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace iam {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(LatencyHistogramTest, CountsEachObservationUnderItsBoundCumulatively) {
  LatencyHistogram h;
  h.Observe(microseconds(50));   // <= 100 µs
  h.Observe(microseconds(100));  // a bound is inclusive
  h.Observe(milliseconds(3));    // <= 5 ms
  h.Observe(std::chrono::seconds(10));  // past every bound
  h.Observe(microseconds(-5));   // a clock that stepped back counts as 0
  std::string out;
  h.AppendTo(&out, "x_seconds", "route=\"/a\"");
  EXPECT_NE(out.find("x_seconds_bucket{route=\"/a\",le=\"0.0001\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{route=\"/a\",le=\"0.0025\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{route=\"/a\",le=\"0.005\"} 4\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{route=\"/a\",le=\"2.5\"} 4\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5\n"), std::string::npos);
  EXPECT_NE(out.find("x_seconds_count{route=\"/a\"} 5\n"), std::string::npos);
  EXPECT_NEAR(h.sum_seconds(), 10.00315, 1e-9);
  EXPECT_EQ(h.count(), 5u);

  std::string bare;
  LatencyHistogram().AppendTo(&bare, "y", "");
  EXPECT_NE(bare.find("y_bucket{le=\"+Inf\"} 0\n"), std::string::npos) << bare;
  EXPECT_NE(bare.find("y_sum 0\ny_count 0\n"), std::string::npos);
}

TEST(LatencyHistogramTest, ConcurrentObservationsAreAllCounted) {
  LatencyHistogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) h.Observe(microseconds(200));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(h.count(), 40000u);
  EXPECT_NEAR(h.sum_seconds(), 8.0, 1e-6);
}

TEST(LatencyHistogramTest, ScopedLatencyTimesItsScope) {
  LatencyHistogram h;
  {
    ScopedLatency timed(h);
    std::this_thread::sleep_for(milliseconds(2));
  }
  EXPECT_EQ(h.count(), 1u);
  EXPECT_GE(h.sum_seconds(), 0.002);
}

}  // namespace
}  // namespace iam
