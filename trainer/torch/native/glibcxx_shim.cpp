// LibTorchSharp 0.107 is built with GCC 13, which emits a call to std::ios_base_library_init()
// (symbol version GLIBCXX_3.4.32) from every translation unit that includes <iostream>. Older libstdc++
// builds (Debian 12 ships GLIBCXX_3.4.30) do not have it, so the library fails to load. There, libstdc++
// initialises the standard streams itself from its own static constructor, so the function has nothing left
// to do: this library defines it as a no-op, and patch-libtorchsharp.sh makes LibTorchSharp resolve it here.
namespace std {
__attribute__((visibility("default"))) void ios_base_library_init() {}
}
