// UTF-8 validation. A request's strings become stored state and come back in every reply; bytes
// that are not UTF-8 would make the replies undecodable to clients (boto3 raised
// UnicodeDecodeError on a DescribeClusters after one was stored), so the request decoder refuses
// them, and error messages, which may quote what a client sent, never carry them raw.
// Pure functions; safe on any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ecs {

// Where a text stops being UTF-8 (RFC 3629: no overlong forms, no surrogates U+D800..U+DFFF,
// nothing above U+10FFFF).
struct Utf8Error {
  enum class Kind {
    kStartByte,   // a byte that cannot begin a character (0x80..0xC1, 0xF5..0xFF)
    kMiddleByte,  // a byte that cannot continue the character begun before it
    kTruncated,   // the text ends inside a character
  };
  Kind kind = Kind::kStartByte;
  size_t offset = 0;       // of `byte` (kTruncated: of the unfinished character's first byte)
  unsigned char byte = 0;  // the offending byte (kTruncated: the unfinished character's first)
};

// nullopt when `text` is well-formed UTF-8.
std::optional<Utf8Error> FindInvalidUtf8(std::string_view text);
inline bool IsValidUtf8(std::string_view text) { return !FindInvalidUtf8(text).has_value(); }

// "invalid UTF-8 start byte 0xC3 at offset 12" (the wording of the Jackson parser AWS's JSON
// services use, with the offset in bytes).
std::string DescribeUtf8Error(const Utf8Error& error);

// `text` with every byte that is not part of a well-formed sequence replaced by U+FFFD, so it can
// be quoted in a reply. Returns `text` unchanged when it is valid.
std::string SanitizeUtf8(std::string_view text);

}  // namespace ecs
