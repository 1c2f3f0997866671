// Output of a command meant for a person at a terminal. Officer-supplied
// text (values, names, labels, reasons) may carry terminal escape codes that
// would clear or rewrite the administrator's screen, or hide a line; a
// TerminalStream passes what is written to it on to `target` with every
// non-printable byte made visible (util::Escaped with lines kept: newline
// and tab stay, ESC shows as \e). It buffers a line at a time, so long
// outputs still stream. Not for --json (the JSON writer escapes) or for
// data exports, which must stay byte-exact.
#pragma once
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace wardsync::util {

// Whether a command's stdout is text for a person: not --json, not `export`.
bool TextForPerson(const std::vector<std::string>& args);

class TerminalBuf : public std::streambuf {
 public:
  explicit TerminalBuf(std::ostream& target) : target_(target) {}
  ~TerminalBuf() override { sync(); }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  // Writes out complete lines (and, past 64 KiB, what is complete UTF-8).
  void Drain(bool all);
  std::ostream& target_;
  std::string pending_;
};

class TerminalStream : public std::ostream {
 public:
  explicit TerminalStream(std::ostream& target) : std::ostream(nullptr), buf_(target) { rdbuf(&buf_); }
  ~TerminalStream() override { flush(); }

 private:
  TerminalBuf buf_;
};

}  // namespace wardsync::util
