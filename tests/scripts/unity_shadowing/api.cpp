// scripts/check-unity-names.py's own test: a namespace-level function...
namespace flyte::fixture {

int Shadowed(int x) { return x + 1; }

}  // namespace flyte::fixture
