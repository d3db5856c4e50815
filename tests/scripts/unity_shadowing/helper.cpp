// ...and another file's helper of the same name in its anonymous namespace: a call written for the
// first, in a third file of the same unity batch, could bind to this one.
namespace flyte::fixture {
namespace {

int Shadowed(long x) { return static_cast<int>(x) - 1; }

}  // namespace

int UsesHelper() { return Shadowed(1L); }

}  // namespace flyte::fixture
