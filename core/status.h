// Status and Result<T>: setup errors as values that travel up to the CLI,
// which prints the message as one sentence and exits non-zero. Library code
// never exits. (std::expected is C++23; GCC 12 in C++20 mode lacks it.)
//
//   Result<int> ParsePort(std::string_view s);
//   auto port = ParsePort("80"); if (!port.ok()) return port.status();
#ifndef QOSLAND_CORE_STATUS_H_
#define QOSLAND_CORE_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace qosland::core {

class Status {
 public:
  Status() = default;  // OK
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !message_.has_value(); }
  // One sentence, for the user. Empty when ok().
  const std::string& message() const {
    static const std::string kEmpty;
    return message_ ? *message_ : kEmpty;
  }

 private:
  explicit Status(std::string message) : message_(std::move(message)) {}
  std::optional<std::string> message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: must be an error

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace qosland::core

#endif  // QOSLAND_CORE_STATUS_H_
