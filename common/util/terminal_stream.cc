#include "common/util/terminal_stream.h"

#include "common/util/log_text.h"

namespace wardsync::util {

bool TextForPerson(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "export") return false;
  for (const auto& a : args) {
    if (a == "--json") return false;
  }
  return true;
}

TerminalBuf::int_type TerminalBuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  pending_.push_back(traits_type::to_char_type(ch));
  if (ch == '\n') Drain(false);
  return ch;
}

std::streamsize TerminalBuf::xsputn(const char* s, std::streamsize n) {
  pending_.append(s, static_cast<size_t>(n));
  if (pending_.find('\n') != std::string::npos || pending_.size() > 65536) Drain(false);
  return n;
}

int TerminalBuf::sync() {
  Drain(true);
  target_.flush();
  return target_ ? 0 : -1;
}

void TerminalBuf::Drain(bool all) {
  size_t end = pending_.size();
  if (!all) {
    const size_t nl = pending_.rfind('\n');
    if (nl != std::string::npos) {
      end = nl + 1;
    } else if (pending_.size() > 65536) {
      // No newline in a long run: cut before a UTF-8 sequence that may be incomplete.
      while (end > 0 && (static_cast<unsigned char>(pending_[end - 1]) & 0x80) != 0 && pending_.size() - end < 4) --end;
    } else {
      return;
    }
  }
  target_ << Escaped(std::string_view(pending_).substr(0, end), /*keep_lines=*/true);
  pending_.erase(0, end);
}

}  // namespace wardsync::util
