#include "common/utf8.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace ecs {

namespace {

// The range the byte after a lead byte must fall in (RFC 3629 §4): narrower than 0x80..0xBF
// right after E0 (no overlong 3-byte forms), ED (no surrogates), F0 (no overlong 4-byte forms)
// and F4 (nothing above U+10FFFF).
struct Continuation {
  unsigned char low;
  unsigned char high;
};
Continuation SecondByteRange(unsigned char lead) {
  switch (lead) {
    case 0xE0:
      return {0xA0, 0xBF};
    case 0xED:
      return {0x80, 0x9F};
    case 0xF0:
      return {0x90, 0xBF};
    case 0xF4:
      return {0x80, 0x8F};
    default:
      return {0x80, 0xBF};
  }
}

// The length of the character a lead byte begins; 0 when it cannot begin one.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Checks the character starting at `i`; on success advances `i` past it.
std::optional<Utf8Error> CheckCharacter(std::string_view text, size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const size_t length = SequenceLength(lead);
  if (length == 0) return Utf8Error{Utf8Error::Kind::kStartByte, i, lead};
  if (i + length > text.size()) {
    // Report a bad byte before the end first: it is the more precise answer.
    for (size_t j = i + 1; j < text.size(); ++j) {
      const auto b = static_cast<unsigned char>(text[j]);
      const Continuation range = j == i + 1 ? SecondByteRange(lead) : Continuation{0x80, 0xBF};
      if (b < range.low || b > range.high) return Utf8Error{Utf8Error::Kind::kMiddleByte, j, b};
    }
    return Utf8Error{Utf8Error::Kind::kTruncated, i, lead};
  }
  for (size_t j = 1; j < length; ++j) {
    const auto b = static_cast<unsigned char>(text[i + j]);
    const Continuation range = j == 1 ? SecondByteRange(lead) : Continuation{0x80, 0xBF};
    if (b < range.low || b > range.high) return Utf8Error{Utf8Error::Kind::kMiddleByte, i + j, b};
  }
  i += length;
  return std::nullopt;
}

}  // namespace

std::optional<Utf8Error> FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII fast path: request bodies are almost entirely ASCII.
    if (i + 8 <= text.size()) {
      uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    if (auto error = CheckCharacter(text, i)) return error;
  }
  return std::nullopt;
}

std::string DescribeUtf8Error(const Utf8Error& error) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(error.byte));
  const std::string at = " at offset " + std::to_string(error.offset);
  switch (error.kind) {
    case Utf8Error::Kind::kStartByte:
      return std::string("invalid UTF-8 start byte ") + hex + at;
    case Utf8Error::Kind::kMiddleByte:
      return std::string("invalid UTF-8 middle byte ") + hex + at;
    case Utf8Error::Kind::kTruncated:
      return std::string("UTF-8 character cut short by the end of the text (start byte ") + hex +
             at + ")";
  }
  return "invalid UTF-8" + at;
}

std::string SanitizeUtf8(std::string_view text) {
  constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    if (CheckCharacter(text, i)) {
      // One replacement per byte that begins no valid character; resynchronize on the next.
      out += kReplacement;
      i = start + 1;
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace ecs
