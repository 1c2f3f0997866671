// Values of the election pack's published choice lists
// (forms/election/choices/) that tests type where a form picks from a list
// instead of taking text: voter-meeting version 2 and tally-minutes version 4
// refuse anything else (`not_a_choice`).
#pragma once
#include <cstddef>
#include <string>

namespace wardsync::test {

// `place` of a voter-meeting version 2 (its own choices).
inline constexpr const char* kMeetingPlace = "noi-cu-tru";

// A value of the `candidates` list offered in every ward (National Assembly
// and city constituency 1), the i-th of ten (i modulo 10): distinct
// candidates for tests that make several meetings.
inline std::string Candidate(size_t i) {
  static const char* const kValues[] = {
      "qh-dv1-nguyen-van-hung", "qh-dv1-tran-thi-lan", "qh-dv1-le-minh-tuan",   "qh-dv1-pham-thi-hong-nhung",
      "qh-dv1-hoang-van-duc",   "tp-dv1-do-thi-thu-ha", "tp-dv1-vu-quang-huy", "tp-dv1-bui-thi-mai",
      "tp-dv1-ngo-van-thang",   "tp-dv1-dang-thi-huong"};
  return kValues[i % (sizeof kValues / sizeof kValues[0])];
}

}  // namespace wardsync::test
