// Kubernetes resource quantities, as Flyte's task resources spell them ("500m", "0.5", "2",
// "64Mi", "1G", "128974848", "129e6"): k8s.io/apimachinery's resource.Quantity, read exactly to
// the nano (finer values rounded up, as Kubernetes rounds them), compared, and printed in its
// canonical form, which is what FlyteAdmin shows once it has filled a task's resources ("0.5" is
// "500m", "1024Mi" is "1Gi", "1000" is "1k").
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace flyte {

class Quantity {
 public:
  // How the value was written, kept for printing it back as Kubernetes does.
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

  Quantity() = default;
  // INVALID_ARGUMENT for what Kubernetes' ParseQuantity refuses, and for magnitudes beyond 2^63
  // whole units (no resource comes near).
  static StatusOr<Quantity> Parse(std::string_view text);

  bool IsZero() const { return nanos_ == 0; }
  bool IsPositive() const { return nanos_ > 0; }
  // Whole units (bytes, cores), rounded up: Kubernetes' Value().
  int64_t Value() const;
  // Billionths of a unit: Docker's NanoCpus for a cpu quantity.
  int64_t NanoValue() const;
  // The canonical form ("0" for zero).
  std::string String() const;

  friend bool operator==(const Quantity& a, const Quantity& b) { return a.nanos_ == b.nanos_; }
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) { return a.nanos_ <=> b.nanos_; }

 private:
  __extension__ using Nanos = __int128;
  Nanos nanos_ = 0;
  Format format_ = Format::kDecimalSI;
};

}  // namespace flyte
